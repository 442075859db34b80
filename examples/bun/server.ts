// The signing proxy in Bun: createSigningProxy's handler is Bun.serve's fetch.
//
//   bun add iamfetch && bun run server.ts
// with UPSTREAM_URL, COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, AWS_ACCESS_KEY_ID
// and AWS_SECRET_ACCESS_KEY set.
import { fromEnv } from 'iamfetch'
import { createSigningProxy } from 'iamfetch/proxy'

const env = process.env
const proxy = createSigningProxy({
  upstream: env.UPSTREAM_URL!,
  credentials: fromEnv(env),
  service: env.UPSTREAM_SERVICE || undefined,
  region: env.UPSTREAM_REGION || undefined,
  verify: {
    userPoolId: env.COGNITO_USER_POOL_ID,
    // Required: unset, the proxy refuses to start rather than accept any app client's tokens.
    clientId: env.COGNITO_CLIENT_ID!,
    jwksUri: env.COGNITO_JWKS_URI || undefined,
  },
  addHeaders: (claims) => ({ 'x-user-sub': String(claims.sub) }),
})

const server = Bun.serve({
  hostname: env.HOST ?? '127.0.0.1',
  port: Number(env.PORT ?? 8787),
  fetch: proxy,
  // Uploads with a declared hash may be large: they stream through.
  maxRequestBodySize: 1024 * 1024 * 1024,
})
console.log(`listening on http://${server.hostname}:${server.port}`)
