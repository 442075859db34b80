// A 1 GiB upload to the local stack's S3 in Node and workerd: aws-chunked
// with every chunk signed, against the same bytes sent over UNSIGNED-PAYLOAD,
// and the chunk signing alone with no transport (the per-stage row). The stack
// runs in a process of its own (s3-stack-child.mjs), which checks every chunk
// signature; each upload is a fresh uploading process (s3-upload-child.mjs, or
// workerd running s3-upload-worker.mjs), whose peak RSS growth is measured.
// The modes alternate, `reps` times.
import { fork } from 'node:child_process'
import { basename, join } from 'node:path'
import * as esbuild from 'esbuild'
import { freePort } from '../../tests/js/support/browsers.mjs'
import { wasmModules } from '../builds.mjs'
import { log } from '../log.mjs'
import { BENCH, OUT } from '../paths.mjs'
import { procField, resetPeak } from '../proc-sampling.mjs'
import { RUNTIME_NAMES } from '../runtimes/names.mjs'
import { startWorkerd, workerdConfig } from '../runtimes/workerd.mjs'
import { ensureStack } from './stack.mjs'
import { WARMUP_BYTES } from './s3-upload-run.mjs'

export const UPLOAD_MODES = ['unsigned', 'signed', 'framed', 'sign-only']

/** A forked child's next IPC message, or its exit as an error. */
const nextMessage = (child) => new Promise((resolve, reject) => {
  const onExit = (code) => reject(new Error(`${child.spawnfile} exited ${code} before answering`))
  child.once('exit', onExit)
  child.once('message', (m) => { child.off('exit', onExit); resolve(m) })
})

async function startStackProcess() {
  ensureStack()
  const child = fork(join(BENCH, 'measure/s3-stack-child.mjs'), { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const info = await nextMessage(child)
  return {
    ...info,
    stored: async (key) => { child.send({ object: key }); return (await nextMessage(child)).stored },
    stop: () => new Promise((resolve) => { child.once('exit', resolve); child.send('stop') }),
  }
}

/** One upload (or signing pass) in a fresh Node process: { ms, bytes, rssBefore, peakGrowth, signMs? }. */
async function nodeUpload(job) {
  const child = fork(join(BENCH, 'measure/s3-upload-child.mjs'), { execArgv: ['--expose-gc'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  child.send(job)
  const r = await nextMessage(child)
  if (!r.ok) throw new Error(r.error)
  return r
}

// The Worker's bundle keeps each .wasm as an imported module, as Wrangler does (bundle.mjs does the same for its workers).
const wasmAsModule = {
  name: 'wasm-as-module',
  setup(build) {
    build.onResolve({ filter: /\.wasm$/ }, (args) => ({ path: `./wasm/${basename(args.path)}`, external: true }))
  },
}
const WORKER_FILE = 's3-upload-worker.js'

async function buildWorker() {
  await esbuild.build({
    entryPoints: ['measure/s3-upload-worker.mjs'], bundle: true, format: 'esm', platform: 'browser', conditions: ['workerd', 'worker'], logLevel: 'error',
    absWorkingDir: BENCH, define: { 'process.env.NODE_ENV': '"production"' }, plugins: [wasmAsModule], outfile: join(OUT, 'workerd', WORKER_FILE),
  })
}

/**
 * One upload (or signing pass) in a fresh workerd process, timed from here
 * around the request (a Worker's clock stands still while its code runs); its
 * peak RSS growth is workerd's, over its RSS after an 8 MiB warm-up upload.
 */
async function workerdUpload(job) {
  const port = await freePort()
  const config = workerdConfig([{ name: 's3upload', port, outbound: true, modules: [[WORKER_FILE, 'esModule', WORKER_FILE], ...wasmModules()] }], join(OUT, 'workerd'))
  const wd = await startWorkerd(config, [port])
  const post = async (body) => {
    const r = await (await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: JSON.stringify(body) })).json()
    if (!r.ok) throw new Error(r.error)
  }
  try {
    await post({ ...job, bytes: WARMUP_BYTES, key: `${job.key}-warmup` })
    resetPeak(wd.child.pid)
    const rssBefore = procField(wd.child.pid, 'VmRSS')
    const t0 = performance.now()
    await post(job)
    const ms = performance.now() - t0
    return { ms, bytes: job.bytes, rssBefore, peakGrowth: procField(wd.child.pid, 'VmHWM') - rssBefore }
  } finally {
    await wd.stop()
  }
}

const UPLOADERS = { node: nodeUpload, workerd: workerdUpload }

/** One upload in a fresh `runtime` process; then what the stack stored is checked. */
async function uploadOnce(stack, runtime, mode, bytes, key) {
  const r = await UPLOADERS[runtime]({ mode, bucketUrl: stack.bucketUrl, region: stack.region, credentials: stack.credentials, bytes, key })
  if (mode !== 'sign-only') {
    // The stack checked every chunk signature before storing: the object's size is the decoded length.
    const stored = await stack.stored(key)
    if (stored?.size !== bytes) throw new Error(`the stack stored ${stored?.size ?? 'nothing'} bytes, not ${bytes}`)
  }
  return r
}

export async function measureS3Upload({ results, quick, wantRt }) {
  const runtimes = Object.keys(UPLOADERS).filter(wantRt)
  if (!runtimes.length) return
  const mib = quick ? 256 : 1024
  const reps = quick ? 1 : 2
  const bytes = mib * 1024 * 1024
  const upload = (results.s3 ??= {}).upload = { mib, reps }
  if (runtimes.includes('workerd')) await buildWorker()
  const stack = await startStackProcess()
  try {
    for (const runtime of runtimes) {
      const { runs } = (upload[runtime] = { runs: {} })
      try {
        for (let rep = 0; rep < reps; rep++) {
          for (const mode of UPLOAD_MODES) {
            log(`S3 upload, ${RUNTIME_NAMES[runtime]}: ${mode}, ${mib} MiB (${rep + 1}/${reps})`)
            ;(runs[mode] ??= []).push(await uploadOnce(stack, runtime, mode, bytes, `bench/${runtime}-${mode}-${rep}`))
          }
        }
      } catch (error) {
        upload[runtime].error = error.message.slice(0, 300)
        results.notes.push(`S3 upload, ${runtime}: ${upload[runtime].error}`)
      }
    }
  } finally {
    await stack.stop()
  }
}
