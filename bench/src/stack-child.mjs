// Runs the local AWS stack in its own process for the edge-proxy measurement, so
// its signature checks do not share the client's event loop. Hands the endpoints
// and the static test user's keys to the parent over IPC: nothing is printed.
import { startStack } from '../../stack/src/index.mjs'

const stack = await startStack()
const user = stack.ids.iamUsers['test-user']
process.send({
  echo: stack.endpoints.functionUrls.echo,
  signing: stack.signing.functionUrl,
  credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
})
process.on('message', async (m) => {
  if (m === 'stop') {
    await stack.stop()
    process.exit(0)
  }
})
