// Cold start: import → first signature of the 1 KB POST, in fresh Node
// processes (each library, interleaved) and fresh workerd processes (against
// a no-op worker's first request).
import { log } from '../log.mjs'
import { node } from '../processes.mjs'
import { withColdWorker } from '../runtimes/workerd.mjs'

const NODE_VARIANTS = [['iamfetch'], ['aws4fetch'], ['smithy'], ['iamfetch', 'preload'], ['aws4fetch', 'preload']]
const WORKERD_VARIANTS = ['noop', 'iamfetch', 'aws4fetch']

export async function measureColdStart({ results, startRuns, wantRt }) {
  if (wantRt('node')) log(`cold start: Node (${startRuns} fresh processes per library, interleaved)`)
  for (let i = 0; i < (wantRt('node') ? startRuns : 0); i++) {
    for (const v of NODE_VARIANTS) {
      const r = await node(['src/cold-node.mjs', ...v])
      ;(results.start[`node:${v.join(':')}`] ??= []).push(r)
    }
  }
  if (wantRt('workerd')) log(`cold start: workerd (${startRuns} fresh processes per variant, interleaved)`)
  for (let i = 0; i < (wantRt('workerd') ? startRuns : 0); i++) {
    for (const lib of WORKERD_VARIANTS) {
      await withColdWorker(async (get) => {
        const { rtt, body } = await get(lib === 'noop' ? '/' : `/?lib=${lib}`)
        ;(results.start[`workerd:${lib}`] ??= []).push({ rtt, inside: lib === 'noop' ? null : JSON.parse(body).ms })
      })
    }
  }
}
