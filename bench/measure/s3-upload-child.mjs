// The uploading Node process of measure/s3-upload.mjs, forked with IPC and
// --expose-gc: it is told { mode, bucketUrl, region, credentials, bytes, key }
// (the keys over IPC, never on the command line), uploads as
// s3-upload-run.mjs does, and answers with the time and its own peak RSS
// growth.
import * as iamfetch from 'iamfetch'
import * as s3 from '../../js/dist/s3/s3-build.js'
import { procField, resetPeak } from '../proc-sampling.mjs'
import { WARMUP_BYTES, checkAnswer, errorText, runUpload } from './s3-upload-run.mjs'

// Node's fetch sends a stream body with the Content-Length given, not chunked, when it is `duplex: 'half'`.
const send = async (url, headers, body) => checkAnswer(await fetch(url, { method: 'PUT', headers, body, duplex: 'half' }))
const libs = { iamfetch, s3, send }

process.once('message', async (job) => {
  try {
    await iamfetch.init()
    await s3.loadS3Build()
    // Loads what the first upload loads (undici's fetch, the S3 build's tiers), so that
    // the growth measured is the upload's, not the process's start.
    await runUpload(libs, { ...job, bytes: WARMUP_BYTES, key: `${job.key}-warmup` })
    globalThis.gc()
    globalThis.gc()
    resetPeak(process.pid)
    const rssBefore = procField(process.pid, 'VmRSS')
    const t0 = performance.now()
    const r = await runUpload(libs, job)
    const ms = performance.now() - t0
    const peak = procField(process.pid, 'VmHWM')
    process.send({ ok: true, ms, bytes: job.bytes, rssBefore, peakGrowth: peak - rssBefore, ...r })
  } catch (error) {
    process.send({ ok: false, error: errorText(error) })
  }
  process.exit(0)
})
