// The Node side: `node bench/src/node.mjs <mode> [args]`, one JSON line on stdout.
//   sign | sigv4a | hash-warm | hash-cold <impl> <size> | blob <impl> <file>
// The measurements (bench/measure/) start a fresh process for every cold or
// memory number.
import * as iamfetch from 'iamfetch'
import { stagesOf } from './stages.mjs'
import * as aws4fetch from 'aws4fetch'
import { SignatureV4 } from '@smithy/signature-v4'
import { SignatureV4a } from '@smithy/signature-v4a'
import { Sha256 as Sha256Js } from '@aws-crypto/sha256-js'
import { WebCryptoSha256 } from '@aws-crypto/sha256-browser'
import { signRequest as amplifySignRequest } from '@aws-amplify/core/internals/aws-client-utils'
import * as hashWasm from 'hash-wasm'
import { openAsBlob } from 'node:fs'
import { readFileSync, writeFileSync } from 'node:fs'
import { hashBlob, runHashCold, runHashWarm, runSigV4a, runSigning } from './common.mjs'

// @aws-crypto/sha256-browser finds WebCrypto on `window` or `self`, which Node lacks.
globalThis.self ??= globalThis

const libs = { iamfetch, aws4fetch, SignatureV4, SignatureV4a, Sha256Js, WebCryptoSha256, amplifySignRequest, hashWasm, stagesOf }
const now = () => performance.now()
const [mode, ...args] = process.argv.slice(2)
const budgetMs = Number(process.env.BENCH_BUDGET_MS ?? 1000)

const kib = (line) => Number(/(\d+)\s*kB/.exec(line)[1])
function procStatus(field) {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${field}:`))
  return kib(line) * 1024
}

let result
if (mode === 'sign') {
  result = await runSigning(libs, { now, budgetMs })
} else if (mode === 'sigv4a') {
  result = await runSigV4a(libs, { now, budgetMs })
} else if (mode === 'hash-warm') {
  result = await runHashWarm(libs, { now, budgetMs })
} else if (mode === 'hash-cold') {
  result = await runHashCold(libs, args[0], args[1], now)
} else if (mode === 'blob') {
  const blob = await openAsBlob(args[1])
  globalThis.gc?.()
  // Resets the peak RSS (VmHWM) of this process, so the peak read afterwards is this run's.
  writeFileSync('/proc/self/clear_refs', '5')
  const base = procStatus('VmRSS')
  const t0 = now()
  const digest = await hashBlob(libs, args[0], blob)
  const ms = now() - t0
  result = { ms, bytes: blob.size, peakExtraBytes: procStatus('VmHWM') - base, digestPrefix: digest.slice(0, 12) }
} else {
  throw new Error(`unknown mode ${mode}`)
}
process.stdout.write(`${JSON.stringify(result)}\n`)
