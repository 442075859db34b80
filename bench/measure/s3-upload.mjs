// A 1 GiB upload to the local stack's S3 in Node: aws-chunked with every chunk
// signed, against the same bytes sent over UNSIGNED-PAYLOAD, and the chunk
// signing alone with no transport (the per-stage row). The stack runs in a
// process of its own (s3-stack-child.mjs), which checks every chunk
// signature; each upload is a fresh uploading process (s3-upload-child.mjs),
// whose peak RSS growth is measured. The modes alternate, `reps` times.
import { fork } from 'node:child_process'
import { join } from 'node:path'
import { log } from '../log.mjs'
import { BENCH } from '../paths.mjs'
import { ensureStack } from './stack.mjs'

export const UPLOAD_MODES = ['unsigned', 'signed', 'sign-only']

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

/** One upload (or signing pass) in a fresh uploading process. */
async function uploadOnce(stack, mode, bytes, key) {
  const child = fork(join(BENCH, 'measure/s3-upload-child.mjs'), { execArgv: ['--expose-gc'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  child.send({ mode, bucketUrl: stack.bucketUrl, region: stack.region, credentials: stack.credentials, bytes, key })
  const r = await nextMessage(child)
  if (!r.ok) throw new Error(`${mode}: ${r.error}`)
  if (mode !== 'sign-only') {
    // The stack checked every chunk signature before storing: the object's size is the decoded length.
    const stored = await stack.stored(key)
    if (stored?.size !== bytes) throw new Error(`${mode}: the stack stored ${stored?.size ?? 'nothing'} bytes, not ${bytes}`)
  }
  return r
}

export async function measureS3Upload({ results, quick, wantRt }) {
  if (!wantRt('node')) return
  const mib = quick ? 256 : 1024
  const reps = quick ? 1 : 2
  const bytes = mib * 1024 * 1024
  const upload = (results.s3 ??= {}).upload = { mib, reps, runs: {} }
  const stack = await startStackProcess()
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const mode of UPLOAD_MODES) {
        log(`S3 upload, Node: ${mode}, ${mib} MiB (${rep + 1}/${reps})`)
        ;(upload.runs[mode] ??= []).push(await uploadOnce(stack, mode, bytes, `bench/${mode}-${rep}`))
      }
    }
  } catch (error) {
    upload.error = error.message.slice(0, 300)
    results.notes.push(`S3 upload: ${upload.error}`)
  } finally {
    await stack.stop()
  }
}
