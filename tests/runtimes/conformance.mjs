// One conformance suite for every runtime (Node, Bun, Deno, workerd, and
// Chromium, Firefox and WebKit). It uses web APIs only and receives the package
// as imported by its runtime, plus a description of the local AWS stack and the
// AWS signing vectors.

/**
 * @param {typeof import('iamfetch')} iamfetch the package, imported by its bare name
 * @param {{ stack: object, cases: object[], v4aCases: object[] }} env stack.endpoints, stack.signing, stack.ids;
 *   the SigV4 and SigV4a signing suites, each case with its settings in the JS API's option names
 *   (`options: { header, query }`) and `notExpressibleThroughFetch`, the reason fetch cannot send it
 *   as written, if it cannot (both from tests/js/support/aws-suite.mjs)
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

/**
 * Signs every vector fetch can express (the runner marks the others with the
 * reason, `notExpressibleThroughFetch`) through signRequest, in header and
 * query mode, with the case's options and `extra(case)`; the canonical request
 * and string to sign must be the vector's verbatim, and `checkSigned` judges
 * the rest. Returns how many signings were compared.
 */
async function signVectors(signRequest, cases, extra, checkSigned) {
  let compared = 0
  for (const c of cases) {
    if (c.notExpressibleThroughFetch) continue
    for (const [mode, expected] of [['header', c.header], ['query', c.query]]) {
      if (!expected) continue
      const label = `${c.name} (${mode})`
      const signed = await signRequest({ method: c.method, url: c.url, headers: c.headers, body: c.body || undefined }, { ...c.options[mode], ...extra(c) })
      const creq = expected.canonicalRequestDateQuirk
        ? signed.canonicalRequest.replace(/^x-amz-date:.*$/m, expected.canonicalRequestDateQuirk)
        : signed.canonicalRequest
      if (expected.canonicalRequest != null) assert(creq === expected.canonicalRequest, `${label}: canonical request`)
      if (expected.stringToSign != null) assert(signed.stringToSign === expected.stringToSign, `${label}: string to sign`)
      await checkSigned(signed, expected, c, label)
      compared++
    }
  }
  return compared
}

const hexBytes = (hex) => Uint8Array.from(hex.match(/../g), (byte) => parseInt(byte, 16))
const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/** A SigV4a public key ({ X, Y } in hex, as the v4a suite gives it) as a WebCrypto ECDSA P-256 key. */
function importPublicKey({ X, Y }) {
  const jwk = { kty: 'EC', crv: 'P-256', x: base64url(hexBytes(X.padStart(64, '0'))), y: base64url(hexBytes(Y.padStart(64, '0'))), ext: true }
  return crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
}

/** A DER ECDSA signature (SEQUENCE { INTEGER r, INTEGER s }, in hex) as WebCrypto's raw r || s, 32 bytes each. */
function derToRaw(hex) {
  const der = hexBytes(hex)
  assert(der[0] === 0x30 && der[1] === der.length - 2, `not a DER sequence: ${hex}`)
  const raw = new Uint8Array(64)
  let at = 2
  for (const offset of [0, 32]) {
    assert(der[at] === 0x02, `not a DER integer at byte ${at}: ${hex}`)
    const integer = der.subarray(at + 2, at + 2 + der[at + 1])
    const excess = Math.max(0, integer.length - 32)
    assert(integer.subarray(0, excess).every((byte) => byte === 0), `an integer over 32 bytes: ${hex}`)
    raw.set(integer.subarray(excess), offset + 32 - (integer.length - excess))
    at += 2 + integer.length
  }
  assert(at === der.length, `trailing bytes: ${hex}`)
  return raw
}

/** Whether a DER hex signature verifies over `text` with ECDSA P-256 / SHA-256 (WebCrypto, independent of iamfetch). */
function ecdsaVerifies(key, signatureHex, text) {
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, derToRaw(signatureHex), new TextEncoder().encode(text))
}

function checks(iamfetch, { stack, cases, v4aCases }, observed) {
  const { AwsClient, signRequest, sha256Hex, Sha256, init, IamFetchError, oacFetch, fromCognitoIdentityPool, fromAssumeRole, fromWebIdentity, explainFailure } = iamfetch
  const user = stack.ids.iamUsers['test-user']
  const fnUrl = (path) => `${stack.endpoints.functionUrl}${path}`
  const client = (options = {}) => new AwsClient({ ...user, ...stack.signing.functionUrl, ...options })
  // The Multi-Region Access Point: SigV4a only, for the region set the stack names ('*').
  const mrapClient = (options = {}) => new AwsClient({ ...user, service: stack.signing.mrap.service, signingAlgorithm: 'sigv4a', regionSet: [stack.signing.mrap.region], retries: 0, ...options })
  const mrapUrl = (name) => `${stack.endpoints.mrap}/conformance/${crypto.randomUUID()}/${name}`
  const s3Answer = async (response, label) => `${label}: HTTP ${response.status} ${(await response.clone().text()).slice(0, 400)}`
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
      const compared = await signVectors(signRequest, cases, () => ({}), (signed, expected, c, label) => {
        if (expected.signature != null) assert(signed.signature === expected.signature, `${label}: signature`)
      })
      assert(cases.length === 40 && compared === 66, `compared ${compared} of 66 expressible signings`)
    },
    'AWS SigV4a vectors through signRequest, header and query mode: verbatim, and verified with WebCrypto': async () => {
      const compared = await signVectors(signRequest, v4aCases, (c) => ({ signingAlgorithm: 'sigv4a', regionSet: [c.region] }), async (signed, expected, c, label) => {
        assert(expected.canonicalRequest != null && expected.stringToSign != null && expected.signature != null, `${label}: the vector gives all three`)
        const key = await importPublicKey(c.publicKey)
        // The vector's own signature first: WebCrypto and the DER conversion agree with AWS's.
        assert(await ecdsaVerifies(key, expected.signature, expected.stringToSign), `${label}: the vector's signature verifies with its public key`)
        assert(await ecdsaVerifies(key, signed.signature, expected.stringToSign), `${label}: iamfetch's signature verifies with the vector's public key`)
        const changed = expected.stringToSign.replace(/.$/, (last) => (last === '0' ? '1' : '0'))
        assert(!(await ecdsaVerifies(key, signed.signature, changed)), `${label}: iamfetch's signature verifies over a changed string to sign`)
      })
      assert(v4aCases.length === 38 && compared === 64, `compared ${compared} of 64 expressible signings`)
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
    'SigV4a through the Multi-Region Access Point: PUT then GET, a presigned GET, the object through S3 too': async () => {
      const url = mrapUrl('signed once.txt')
      const body = 'signed once, valid in every region'
      const put = await mrapClient().fetch(url, { method: 'PUT', body })
      assert(put.status === 200, await s3Answer(put, 'PUT'))
      const got = await mrapClient().fetch(url)
      assert(got.status === 200 && (await got.clone().text()) === body, await s3Answer(got, 'GET'))
      const presigned = await mrapClient().sign(url, { aws: { signQuery: true } })
      assert(new URL(presigned.url).searchParams.get('X-Amz-Algorithm') === 'AWS4-ECDSA-P256-SHA256', `presigned with ${presigned.url}`)
      const viaUrl = await fetch(presigned.url)
      assert(viaUrl.status === 200 && (await viaUrl.clone().text()) === body, await s3Answer(viaUrl, 'presigned GET'))
      // The access point fronts the first bucket: S3's regional endpoint, also taking SigV4a, serves the same object.
      const key = new URL(url).pathname
      const regional = await mrapClient({ regionSet: [stack.ids.region] }).fetch(`${stack.endpoints.s3}/${stack.ids.s3Buckets[0]}${key}`)
      assert(regional.status === 200 && (await regional.clone().text()) === body, await s3Answer(regional, 'GET through S3'))
    },
    'SigV4a: a region set without the serving region is refused as S3 refuses it': async () => {
      const refused = await mrapClient({ regionSet: ['eu-west-1', 'ap-south-1'] }).fetch(mrapUrl('elsewhere.txt'))
      const text = await refused.clone().text()
      assert(refused.status === 400 && text.includes('<Code>AuthorizationHeaderMalformed</Code>') && text.includes(`expecting &apos;${stack.ids.region}&apos;`), await s3Answer(refused, 'region set eu-west-1,ap-south-1'))
    },
    'SigV4a: a request changed after signing is refused, and explainFailure explains it': async () => {
      const url = mrapUrl('signed.txt')
      const signed = await mrapClient().sign(url)
      assert(/^AWS4-ECDSA-P256-SHA256 /.test(signed.headers.get('authorization')), `signed with ${signed.headers.get('authorization')}`)
      const tampered = await fetch(url.replace('signed.txt', 'tampered.txt'), { headers: signed.headers })
      const text = await tampered.clone().text()
      assert(tampered.status === 403 && text.includes('<Code>SignatureDoesNotMatch</Code>'), await s3Answer(tampered, 'tampered'))
      const explanation = await explainFailure(tampered, signed)
      assert(typeof explanation?.cause === 'string' && typeof explanation.summary === 'string', `explained as ${JSON.stringify(explanation)}`)
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
