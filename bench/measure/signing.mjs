// Signing latency of the three requests (bench/src/common.mjs signingCases),
// every signer interleaved, in Node, each browser and workerd.
import { inEveryRuntime } from '../runtimes/every-runtime.mjs'

export async function measureSigning(ctx) {
  await inEveryRuntime(ctx, 'signing latency', { mode: 'sign', page: 'sign' }, (runtime, r) => { ctx.results.sign[runtime] = r })
}
