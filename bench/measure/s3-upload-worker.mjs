// The uploading Worker of measure/s3-upload.mjs in workerd: POST / with a job
// ({ mode, bucketUrl, region, credentials, bytes, key }, as s3-upload-child.mjs
// is told) uploads as s3-upload-run.mjs does and answers { ok } or
// { ok: false, error }. The parent times the request and reads the workerd
// process's RSS: inside a Worker the clock stands still while code runs.
import * as iamfetch from 'iamfetch'
// A Worker bundles the S3 build's .wasm only when it imports it.
import 'iamfetch/s3'
import * as s3 from '../../js/dist/s3/s3-build.js'
import { checkAnswer, errorText, runUpload } from './s3-upload-run.mjs'

// workerd sends a stream body with a fixed Content-Length only through a
// FixedLengthStream (for the bench's own PUTs; AwsClient.fetch makes its own).
async function send(url, headers, body, length) {
  const { readable, writable } = new FixedLengthStream(length)
  const [res] = await Promise.all([fetch(url, { method: 'PUT', headers, body: readable }), body.pipeTo(writable)])
  await checkAnswer(res)
}

export default {
  async fetch(request) {
    try {
      await iamfetch.init()
      await s3.loadS3Build()
      await runUpload({ iamfetch, s3, send }, await request.json())
      return Response.json({ ok: true })
    } catch (error) {
      return Response.json({ ok: false, error: errorText(error) })
    }
  },
}
