// The signing proxy as a Cloudflare Worker. Configuration comes from
// wrangler.toml's [vars]; the AWS keys are secrets:
//   npx wrangler secret put AWS_ACCESS_KEY_ID
//   npx wrangler secret put AWS_SECRET_ACCESS_KEY
import { fromEnv } from 'iamfetch'
import { createSigningProxy } from 'iamfetch/proxy'

// One proxy per isolate, so the JWKS and the credentials stay cached between requests.
let proxy

export default {
  fetch(request, env) {
    proxy ??= createSigningProxy({
      upstream: env.UPSTREAM_URL,
      credentials: fromEnv(env),
      service: env.UPSTREAM_SERVICE || undefined,
      region: env.UPSTREAM_REGION || undefined,
      verify: {
        userPoolId: env.COGNITO_USER_POOL_ID,
        clientId: env.COGNITO_CLIENT_ID,
        jwksUri: env.COGNITO_JWKS_URI || undefined,
      },
      addHeaders: (claims) => ({ 'x-user-sub': claims.sub }),
    })
    return proxy(request)
  },
}
