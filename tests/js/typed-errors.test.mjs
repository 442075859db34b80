// Every failure of a public API, whatever it is given, is an IamFetchError with
// a code from the error-code table: the three kinds of input a fuzz found
// rejected with a raw TypeError.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { distEntry } from './support/paths.mjs'

const { AwsClient, AwsV4Signer, IamFetchError, explainFailure, fromEnv, fromStatic, init, signRequest } = await import(distEntry)

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  service: 'lambda',
  region: 'us-east-1',
}
const URL_ = 'https://abcdefghij.lambda-url.eu-west-1.on.aws/x'

async function rejectsTyped(call, code, what) {
  let error
  try {
    await call()
  } catch (caught) {
    error = caught
  }
  assert.ok(error, `${what}: expected a failure`)
  assert.ok(error instanceof IamFetchError, `${what}: ${error?.constructor?.name}: ${error?.message}`)
  if (code) assert.equal(error.code, code, `${what}: ${error.message}`)
  return error
}

test('a callback option that is not a function is refused up front with ERR_INVALID_OPTIONS', async () => {
  await init()
  for (const junk of [1, 'progress', {}, [], true, Symbol('s')]) {
    const what = `onHashProgress: ${String(junk)}`
    // The constructor refuses it: nothing is signed with a callback that cannot be called.
    await rejectsTyped(() => new AwsClient({ ...credentials, onHashProgress: junk }), 'ERR_INVALID_OPTIONS', `constructor ${what}`)
    // Per call too, whether or not this body would have called it.
    const client = new AwsClient(credentials)
    await rejectsTyped(() => client.sign(URL_, { aws: { onHashProgress: junk } }), 'ERR_INVALID_OPTIONS', `sign() ${what}`)
    await rejectsTyped(() => client.sign(URL_, { method: 'POST', body: new Blob(['x']), aws: { onHashProgress: junk } }), 'ERR_INVALID_OPTIONS', `sign() with a Blob, ${what}`)
    await rejectsTyped(() => new AwsClient({ ...credentials, fetch: junk }), 'ERR_INVALID_OPTIONS', `fetch: ${String(junk)}`)
  }
  // A fetch that answers something that is not a Response.
  const client = new AwsClient({ ...credentials, fetch: async () => undefined })
  await rejectsTyped(() => client.fetch(URL_), undefined, 'a fetch answering undefined')
  // Numeric options given a Symbol cannot be compared or added.
  for (const name of ['retries', 'initRetryMs', 'maxRetryDelayMs', 'refreshMarginMs', 'maxBufferedBodyBytes']) {
    await rejectsTyped(() => new AwsClient({ ...credentials, [name]: Symbol('n') }), 'ERR_INVALID_OPTIONS', name)
  }
  // A RequestInit that is no object.
  for (const junk of [Symbol('s'), 'init', 1]) {
    await rejectsTyped(() => new AwsClient(credentials).sign(URL_, junk), 'ERR_INVALID_OPTIONS', `sign(url, ${String(junk)})`)
    await rejectsTyped(() => new AwsClient({ ...credentials, fetch: async () => new Response('') }).fetch(URL_, junk), 'ERR_INVALID_OPTIONS', `fetch(url, ${String(junk)})`)
  }
})

function streamedRequest(chunks) {
  const body = new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk)
      controller.close()
    },
  })
  return new Request(URL_, { method: 'POST', body, duplex: 'half' })
}

test('a Request whose body stream yields anything but Uint8Array chunks is ERR_UNSUPPORTED_BODY', async () => {
  await init()
  for (const chunk of ['text', { a: 1 }, 7, new Uint16Array(2), new ArrayBuffer(4), null]) {
    const what = `a ${Object.prototype.toString.call(chunk)} chunk`
    await rejectsTyped(() => signRequest(streamedRequest([new Uint8Array(2), chunk]), credentials), 'ERR_UNSUPPORTED_BODY', `signRequest, ${what}`)
    await rejectsTyped(() => new AwsClient(credentials).sign(streamedRequest([chunk])), 'ERR_UNSUPPORTED_BODY', `AwsClient.sign, ${what}`)
    const signal = new AbortController().signal
    await rejectsTyped(() => new AwsClient(credentials).sign(streamedRequest([chunk]), { signal }), 'ERR_UNSUPPORTED_BODY', `AwsClient.sign with a signal, ${what}`)
  }
  // A Request whose body was read already.
  const used = new Request(URL_, { method: 'POST', body: 'x' })
  await used.text()
  await rejectsTyped(() => signRequest(used, credentials), 'ERR_UNSUPPORTED_BODY', 'signRequest, a used body')
  await rejectsTyped(() => new AwsClient(credentials).sign(used), 'ERR_UNSUPPORTED_BODY', 'AwsClient.sign, a used body')
  // Byte chunks still sign, and signRequest leaves the caller's Request unread.
  const good = streamedRequest([new Uint8Array([104, 105])])
  const signed = await signRequest(good, { ...credentials, datetime: '20261121T101010Z' })
  assert.equal(signed.payloadHash, '8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4')
  assert.equal(await good.text(), 'hi')
  const request = await new AwsClient(credentials).sign(streamedRequest([new Uint8Array([104]), new Uint8Array([105])]))
  assert.equal(await request.text(), 'hi')
})

/** Objects with no usable primitive value, where a string is expected. */
const NO_PRIMITIVE = {
  'Object.create(null)': () => Object.create(null),
  '{ toString: 1 }': () => ({ toString: 1 }),
  '{ toString: 1, valueOf: 1 }': () => ({ toString: 1, valueOf: 1 }),
  'a throwing Symbol.toPrimitive': () => ({ [Symbol.toPrimitive]() { throw new Error('no primitive') } }),
  'a throwing toString': () => ({ toString() { throw new RangeError('no string') } }),
}

test('objects with no usable primitive value, where a string is expected, are typed errors', async () => {
  await init()
  for (const [label, make] of Object.entries(NO_PRIMITIVE)) {
    const sites = {
      'signRequest url': () => signRequest({ url: make() }, credentials),
      'signRequest method': () => signRequest({ url: URL_, method: make() }, credentials),
      'signRequest header value': () => signRequest({ url: URL_, headers: { 'x-a': make() } }, credentials),
      'signRequest header name': () => signRequest({ url: URL_, headers: [[make(), 'v']] }, credentials),
      'signRequest datetime': () => signRequest({ url: URL_ }, { ...credentials, datetime: make() }),
      'signRequest service': () => signRequest({ url: URL_ }, { ...credentials, service: make() }),
      'signRequest payloadHash': () => signRequest({ url: URL_ }, { ...credentials, payloadHash: make() }),
      'signRequest accessKeyId': () => signRequest({ url: URL_ }, { ...credentials, accessKeyId: make() }),
      'AwsClient.sign url': () => new AwsClient(credentials).sign(make()),
      'AwsClient.sign method': () => new AwsClient(credentials).sign(URL_, { method: make() }),
      'AwsClient.sign header': () => new AwsClient(credentials).sign(URL_, { headers: { 'x-a': make() } }),
      'AwsClient.sign datetime': () => new AwsClient(credentials).sign(URL_, { aws: { datetime: make() } }),
      'AwsClient.sign region': () => new AwsClient({ ...credentials, region: make() }).sign(URL_),
      'AwsClient.fetch url': () => new AwsClient({ ...credentials, fetch: async () => new Response('') }).fetch(make()),
      'AwsClient.presign url': () => new AwsClient(credentials).presign(make()),
      'AwsClient.presign method': () => new AwsClient(credentials).presign(URL_, { method: make() }),
      'AwsV4Signer url': () => new AwsV4Signer({ ...credentials, url: make() }).sign(),
    }
    const signer = (option) => new AwsV4Signer({ ...credentials, url: URL_, ...option })
    for (const method of ['sign', 'authHeader', 'signature', 'stringToSign', 'canonicalString', 'hexBodyHash']) {
      sites[`AwsV4Signer.${method} datetime`] = () => signer({ datetime: make() })[method]()
      sites[`AwsV4Signer.${method} method`] = () => signer({ method: make() })[method]()
      sites[`AwsV4Signer.${method} header`] = () => signer({ headers: { 'x-a': make() } })[method]()
    }
    for (const [site, call] of Object.entries(sites)) await rejectsTyped(call, undefined, `${site}: ${label}`)
  }
})

test('explainFailure explains anything thrown, and ignores a signed Request that is none', async () => {
  for (const [label, make] of Object.entries(NO_PRIMITIVE)) {
    const explanation = await explainFailure(make())
    assert.equal(explanation.cause, 'cors-or-network', label)
    assert.ok(explanation.evidence.every((line) => typeof line === 'string'), label)
  }
  const aborted = Object.assign(Object.create(null), { name: 'AbortError', message: { toString: 1 } })
  assert.equal((await explainFailure(aborted)).cause, 'aborted')
  for (const junk of [1, 'request', {}, Object.create(null)]) {
    const explanation = await explainFailure(new Response('', { status: 403 }), junk)
    assert.equal(typeof explanation.cause, 'string')
    assert.equal((await explainFailure(new Error('network'), junk)).cause, 'cors-or-network')
  }
})

test('credential providers given no object: fromStatic and fromEnv fail typed, up front or when called', async () => {
  for (const given of [undefined, null, 7, 'AKIDEXAMPLE']) {
    await rejectsTyped(() => fromStatic(given), 'ERR_MISSING_CREDENTIALS', `fromStatic(${String(given)})`)
    await rejectsTyped(() => fromEnv(given)(), 'ERR_MISSING_CREDENTIALS', `fromEnv(${String(given)})()`)
  }
  const client = new AwsClient({ credentials: fromStatic({ accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey }), service: 'lambda', region: 'us-east-1' })
  assert.match((await client.sign(URL_)).headers.get('authorization'), /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//)
})
