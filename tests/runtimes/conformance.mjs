// One conformance suite for every runtime (Node, Bun, Deno, workerd, and
// Chromium, Firefox and WebKit). It uses web APIs only and receives the package
// as imported by its runtime, plus a description of the local AWS stack and the
// AWS signing vectors.

/**
 * @param {typeof import('iamfetch')} iamfetch the package, imported by its bare name
 * @param {{ stack: object, cases: object[] }} env stack.endpoints, stack.signing, stack.ids; the signing suite
 * @returns {Promise<{ results: { name: string, ok: boolean, detail?: string }[], observed: { declaredHashStream?: string } }>}
 *   observed: what differs by engine, for the runner to compare with what it expects of that engine
 */
export async function conformance(iamfetch, env) {
  const results = []
  const observed = {}
  const check = async (name, body) => {
    try {
      await body()
      results.push({ name, ok: true })
    } catch (error) {
      results.push({ name, ok: false, detail: `${error?.code ?? error?.name ?? 'Error'}: ${error?.message ?? error}` })
    }
  }
  for (const [name, body] of Object.entries(checks(iamfetch, env, observed))) await check(name, body)
  return { results, observed }
}

function assert(condition, message) {
  if (!condition) throw new Error(message)
}

/** The vectors fetch cannot express (see tests/js/signing-suite.test.mjs for the reasons). */
const NOT_EXPRESSIBLE_THROUGH_FETCH = new Set([
  'get-relative-unnormalized', 'get-relative-relative-unnormalized', 'get-slash-dot-slash-unnormalized',
  'get-slash-pointless-dot-unnormalized', 'get-header-key-duplicate', 'get-header-value-order',
])

function checks(iamfetch, { stack, cases }, observed) {
  const { AwsClient, signRequest, sha256Hex, Sha256, init, IamFetchError, oacFetch, fromCognitoIdentityPool, fromAssumeRole, fromWebIdentity, explainFailure } = iamfetch
  const user = stack.ids.iamUsers['test-user']
  const fnUrl = (path) => `${stack.endpoints.functionUrl}${path}`
  const client = (options = {}) => new AwsClient({ ...user, ...stack.signing.functionUrl, ...options })
  const memory = () => {
    const values = new Map()
    return { get: async (k) => values.get(k) ?? null, set: async (k, v) => void values.set(k, v), remove: async (k) => void values.delete(k) }
  }
  const echoOk = async (response, label) => {
    const text = await response.text()
    assert(response.status === 200, `${label}: HTTP ${response.status} ${text.slice(0, 200)}`)
    return JSON.parse(text)
  }
  const idToken = async () => {
    const response = await fetch(stack.endpoints.cognitoIdp, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
      body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: stack.ids.userPoolClientId, AuthParameters: { USERNAME: 'demo', PASSWORD: 'demo-password' } }),
    })
    return (await response.json()).AuthenticationResult.IdToken
  }

  return {
    'AWS signing vectors through signRequest, header and query mode': async () => {
      let compared = 0
      for (const c of cases) {
        if (NOT_EXPRESSIBLE_THROUGH_FETCH.has(c.name)) continue
        for (const [mode, expected] of [['header', c.header], ['query', c.query]]) {
          if (!expected) continue
          const signed = await signRequest(
            { method: c.method, url: c.url, headers: c.headers, body: c.body || undefined },
            {
              accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken ?? undefined,
              region: c.region, service: c.service, datetime: c.datetime, signQuery: mode === 'query',
              expiresIn: mode === 'query' ? c.expiresIn : undefined, singleEncode: c.uriEncoding === 'single',
              appendSessionToken: c.sessionTokenPlacement === 'appended', allHeaders: c.headerSelection === 'all',
              contentHashHeader: c.contentHashHeader,
            },
          )
          const creq = expected.canonicalRequestDateQuirk
            ? signed.canonicalRequest.replace(/^x-amz-date:.*$/m, expected.canonicalRequestDateQuirk)
            : signed.canonicalRequest
          if (expected.canonicalRequest != null) assert(creq === expected.canonicalRequest, `${c.name} (${mode}): canonical request`)
          if (expected.stringToSign != null) assert(signed.stringToSign === expected.stringToSign, `${c.name} (${mode}): string to sign`)
          if (expected.signature != null) assert(signed.signature === expected.signature, `${c.name} (${mode}): signature`)
          compared++
        }
      }
      assert(cases.length === 40 && compared === 66, `compared ${compared} of 66 expressible signings`)
    },
    'hashing: sha256Hex and incremental Sha256 agree with NIST': async () => {
      await init()
      assert(sha256Hex('abc') === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'abc')
      const hasher = new Sha256()
      hasher.update('a').update(new TextEncoder().encode('bc'))
      assert(hasher.digest() === sha256Hex('abc'), 'chunked')
    },
    'errors are IamFetchErrors with stable codes': async () => {
      try {
        await signRequest({ url: 'https://d111.cloudfront.net/' }, { accessKeyId: 'a', secretAccessKey: 'b' })
      } catch (error) {
        assert(error instanceof IamFetchError && error.code === 'ERR_MISSING_SERVICE', `got ${error?.code}`)
        return
      }
      throw new Error('no error')
    },
    'sign and send: GET, string, bytes, Blob and FormData bodies to the function URL': async () => {
      await echoOk(await client().fetch(fnUrl('/get?x=1')), 'GET')
      const event = await echoOk(await client().fetch(fnUrl('/post'), { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } }), 'string')
      assert(event.body === '{"a":1}', 'string body arrives')
      await echoOk(await client().fetch(fnUrl('/bytes'), { method: 'PUT', body: new Uint8Array([1, 2, 3]) }), 'bytes')
      await echoOk(await client().fetch(fnUrl('/blob'), { method: 'POST', body: new Blob(['blob body']) }), 'Blob')
      const form = new FormData()
      form.append('field', 'value')
      await echoOk(await client().fetch(fnUrl('/form'), { method: 'POST', body: form }), 'FormData')
    },
    'a ReadableStream body: buffered without a declared hash; with one, sent as the engine can': async () => {
      const text = 'a body from a stream'
      const stream = () => new ReadableStream({ start(controller) { controller.enqueue(new TextEncoder().encode(text)); controller.close() } })
      const arrived = (event) => (event.isBase64Encoded ? atob(event.body) : event.body)
      const buffered = await echoOk(await client().fetch(fnUrl('/stream'), { method: 'PUT', body: stream() }), 'undeclared')
      assert(arrived(buffered) === text, 'the undeclared stream arrived')
      assert(buffered.headers['content-length'] === String(text.length), 'the undeclared stream was buffered and sent whole')
      await init()
      let response
      try {
        response = await client({ retries: 0 }).fetch(fnUrl('/stream-declared'), { method: 'PUT', body: stream(), headers: { 'x-amz-content-sha256': sha256Hex(text) } })
      } catch (error) {
        // A network failure is for the runner to judge: some engines refuse a stream on some connections.
        assert(error?.name === 'TypeError', `${error?.name}: ${error?.message}`)
        observed.declaredHashStream = `refused: ${error.name}`
        return
      }
      const event = await echoOk(response, 'declared')
      assert(arrived(event) === text, 'the declared-hash stream arrived')
      observed.declaredHashStream = event.headers['transfer-encoding'] === 'chunked' ? 'streamed' : 'buffered'
      if (observed.declaredHashStream === 'streamed') return
      // Buffered where the engine cannot send a stream: then within maxBufferedBodyBytes, as without a declared hash.
      const small = client({ retries: 0, maxBufferedBodyBytes: 4 })
      const refused = await small.fetch(fnUrl('/stream-too-large'), { method: 'PUT', body: stream(), headers: { 'x-amz-content-sha256': sha256Hex(text) } }).catch((error) => error)
      assert(refused?.code === 'ERR_BODY_TOO_LARGE', `over maxBufferedBodyBytes: ${refused?.code ?? refused?.status}`)
    },
    'a POST through CloudFront OAC': async () => {
      await echoOk(await oacFetch(`${stack.endpoints.cloudfront}/oac`, { method: 'POST', body: 'via cloudfront' }), 'OAC')
    },
    'API Gateway HTTP API with IAM auth': async () => {
      const api = new AwsClient({ ...user, ...stack.signing.apiHttp })
      const response = await api.fetch(`${stack.endpoints.apiHttp}/echo`, { method: 'POST', body: 'x' })
      assert(response.status === 200, `HTTP ${response.status}`)
    },
    'a presigned URL is accepted': async () => {
      const url = await client().presign(fnUrl('/presigned'), { expiresIn: 60 })
      await echoOk(await fetch(url), 'presigned')
    },
    'explainFailure names a wrong region': async () => {
      const refused = await client({ region: 'eu-west-1' }).fetch(fnUrl('/wrong'))
      const explanation = await explainFailure(refused)
      assert(explanation.cause === 'wrong-scope', explanation.cause)
    },
    'Cognito guest credentials': async () => {
      const credentials = fromCognitoIdentityPool({ identityPoolId: stack.ids.identityPoolId, endpoint: stack.endpoints.cognitoIdentity, storage: memory() })
      const event = await echoOk(await client({ credentials }).fetch(fnUrl('/guest')), 'guest')
      assert(event.requestContext.authorizer.iam.cognitoIdentity.amr.includes('unauthenticated'), 'a guest identity')
    },
    'Cognito signed-in credentials (user pool ID token)': async () => {
      const token = await idToken()
      const login = `cognito-idp.${stack.ids.region}.amazonaws.com/${stack.ids.userPoolId}`
      const credentials = fromCognitoIdentityPool({ identityPoolId: stack.ids.identityPoolId, endpoint: stack.endpoints.cognitoIdentity, storage: memory(), logins: { [login]: token } })
      const event = await echoOk(await client({ credentials }).fetch(fnUrl('/signed-in')), 'signed in')
      assert(event.requestContext.authorizer.iam.cognitoIdentity.amr.includes('authenticated'), 'an authenticated identity')
    },
    'STS AssumeRole and web identity': async () => {
      const assumed = fromAssumeRole({ credentials: user, roleArn: stack.ids.roles['test-invoker'], endpoint: stack.endpoints.sts })
      await echoOk(await client({ credentials: assumed }).fetch(fnUrl('/assumed')), 'AssumeRole')
      const web = fromWebIdentity({ roleArn: stack.ids.roles['test-invoker'], webIdentityToken: idToken, endpoint: stack.endpoints.sts })
      await echoOk(await client({ credentials: web }).fetch(fnUrl('/web-identity')), 'web identity')
    },
  }
}
