// The local stack in a process of its own for the S3 upload measurement
// (measure/s3-upload.mjs): the uploader's RSS and CPU are then its own, and
// the stack's chunk-signature checks do not share its event loop. Hands the
// bucket's URL, region and the static test user's keys to the parent over
// IPC (nothing is printed); answers { object: key } with what the bucket
// stored under that key (its size, no bytes), and stops when asked.
import { startStack } from '../../stack/src/index.mjs'

const stack = await startStack()
const user = stack.ids.iamUsers['test-user']
process.send({
  bucketUrl: `${stack.endpoints.s3}/${stack.ids.s3Buckets[0]}`,
  region: stack.signing.s3.region,
  credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
})
process.on('message', async (m) => {
  if (m?.object) process.send({ stored: stack.s3Object(stack.ids.s3Buckets[0], m.object) ?? null })
  if (m === 'stop') {
    await stack.stop()
    process.exit(0)
  }
})
