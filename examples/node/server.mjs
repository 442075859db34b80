// The signing proxy in Node (>= 20), served by @hono/node-server, a kept
// fetch-to-node:http adapter (npm install iamfetch @hono/node-server hono).
//
//   UPSTREAM_URL=https://abc123.lambda-url.eu-west-1.on.aws \
//   COGNITO_USER_POOL_ID=eu-west-1_AbCdE COGNITO_CLIENT_ID=1example23456789 \
//   AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... node server.mjs
import { serve } from '@hono/node-server'
import { fromEnv } from 'iamfetch'
import { createSigningProxy } from 'iamfetch/proxy'

const env = process.env
const proxy = createSigningProxy({
  upstream: env.UPSTREAM_URL,
  credentials: fromEnv(env),
  // Only needed when the upstream's host does not name them (custom domains, 127.0.0.1).
  service: env.UPSTREAM_SERVICE || undefined,
  region: env.UPSTREAM_REGION || undefined,
  verify: {
    userPoolId: env.COGNITO_USER_POOL_ID,
    clientId: env.COGNITO_CLIENT_ID,
    jwksUri: env.COGNITO_JWKS_URI || undefined, // only for a user pool that is not Cognito's own (a local one)
  },
  addHeaders: (claims) => ({ 'x-user-sub': claims.sub }),
})

const server = serve({
  fetch: proxy,
  port: Number(env.PORT ?? 8787),
  hostname: env.HOST ?? '127.0.0.1',
  // The proxy needs no lighter Request and Response in place of the global ones.
  overrideGlobalObjects: false,
}, ({ address, port }) => console.log(`listening on http://${address}:${port}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
