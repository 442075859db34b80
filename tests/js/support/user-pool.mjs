// Signing in through the local stack's user pool, and its JWKS URL.
export async function signIn(stack, { clientId = stack.ids.userPoolClientId, username = 'demo', password = 'demo-password' } = {}) {
  const response = await fetch(stack.endpoints.cognitoIdp, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }),
  })
  if (!response.ok) throw new Error(`InitiateAuth answered ${response.status}: ${await response.text()}`)
  const { IdToken, AccessToken } = (await response.json()).AuthenticationResult
  return { idToken: IdToken, accessToken: AccessToken }
}

export const jwksUrl = (stack) => `${stack.endpoints.cognitoIdp}/${stack.ids.userPoolId}/.well-known/jwks.json`

/** The proxy's `verify` option for the local user pool. */
export const localPoolVerify = (stack, extra = {}) => ({
  userPoolId: stack.ids.userPoolId,
  clientId: stack.ids.userPoolClientId,
  jwksUri: jwksUrl(stack),
  ...extra,
})
