// The signing proxy in Deno: createSigningProxy's handler is a Deno.serve handler.
//
//   deno run --allow-net --allow-env --allow-read main.ts
// with UPSTREAM_URL, COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, AWS_ACCESS_KEY_ID
// and AWS_SECRET_ACCESS_KEY set (see deno.json for the npm imports).
import { fromEnv } from 'iamfetch'
import { createSigningProxy } from 'iamfetch/proxy'

const env = Deno.env.toObject()
const proxy = createSigningProxy({
  upstream: env.UPSTREAM_URL,
  credentials: fromEnv(env),
  service: env.UPSTREAM_SERVICE || undefined,
  region: env.UPSTREAM_REGION || undefined,
  verify: {
    userPoolId: env.COGNITO_USER_POOL_ID,
    clientId: env.COGNITO_CLIENT_ID,
    jwksUri: env.COGNITO_JWKS_URI || undefined,
  },
  addHeaders: (claims) => ({ 'x-user-sub': String(claims.sub) }),
})

Deno.serve({
  hostname: env.HOST ?? '127.0.0.1',
  port: Number(env.PORT ?? 8787),
  onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}`),
}, proxy)
