// The local stack and signing proxies for its echo function URL, for the
// proxy tests that sign against it (the function URL checks SigV4 with the AWS
// SDK's signer).
import { startStack } from '../../../stack/src/index.mjs'
import { signIn, localPoolVerify } from './user-pool.mjs'

export const proxyEntry = new URL('../../../js/dist/proxy/index.node.js', import.meta.url).href
const { createSigningProxy } = await import(proxyEntry)

export const bearer = (token) => ({ authorization: `Bearer ${token}` })

/**
 * Starts the stack, with `extraClients` (ids) added to its user pool's app
 * clients, and signs in. `echoProxy(options)` is a proxy for the echo function
 * URL, signing as test-user, whose `calls` lists the URLs it fetched;
 * `upstreamCalls(calls)` keeps those that went to the function URL.
 */
export async function echoStack({ extraClients = [] } = {}) {
  const stack = await startStack({
    config: (config) => {
      for (const id of extraClients) config.userPools[0].clients.push({ id, name: id, idTokenValiditySeconds: 3600, accessTokenValiditySeconds: 3600 })
      return config
    },
  })
  const testUser = stack.ids.iamUsers['test-user']
  const tokens = await signIn(stack)
  const echoProxy = (options = {}) => {
    const calls = []
    const proxy = createSigningProxy({
      upstream: stack.endpoints.functionUrl,
      credentials: { accessKeyId: testUser.accessKeyId, secretAccessKey: testUser.secretAccessKey },
      service: 'lambda',
      region: 'us-east-1',
      verify: localPoolVerify(stack),
      fetch: (input, init) => {
        calls.push(input instanceof Request ? input.url : String(input))
        return fetch(input, init)
      },
      onError: () => {},
      ...options,
    })
    return { proxy, calls }
  }
  const upstreamCalls = (calls) => calls.filter((url) => url.startsWith(stack.endpoints.functionUrl))
  return { stack, testUser, tokens, echoProxy, upstreamCalls }
}
