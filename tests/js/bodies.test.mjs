// Bodies easy to corrupt or to refuse with an untyped error: stream chunks of
// every BufferSource kind and strings, locked streams, detached and resizable
// buffers, and an abort while a stalled stream body is being buffered.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { distEntry } from './support/paths.mjs'
import { rejection } from './support/rejection.mjs'

const { AwsClient, AwsV4Signer, IamFetchError, Sha256, init, sha256Hex, signRequest } = await import(distEntry)

const signing = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', service: 's3', region: 'us-east-1' }
const URL_ = 'https://bucket.s3.us-east-1.amazonaws.com/key'
const hex = (bytes) => createHash('sha256').update(bytes).digest('hex')
const streamOf = (chunks) => new ReadableStream({
  start(controller) {
    for (const chunk of chunks) controller.enqueue(chunk)
    controller.close()
  },
})
const detachedBuffer = () => {
  const buffer = new ArrayBuffer(8)
  structuredClone(buffer, { transfer: [buffer] })
  return buffer
}
const lockedStream = () => {
  const stream = streamOf([new Uint8Array([1])])
  stream.getReader()
  return stream
}

function assertCode(error, code) {
  assert.ok(error instanceof IamFetchError, `expected an IamFetchError, got ${error?.constructor?.name}: ${error?.message}`)
  assert.equal(error.code, code, error.message)
}

test('stream chunks of every BufferSource kind and strings are sent and signed byte for byte', async () => {
  const pairs = [
    ['ArrayBuffer', () => new Uint8Array([1, 2, 3]).buffer, [1, 2, 3]],
    ['DataView', () => new DataView(new Uint8Array([0, 4, 5, 6]).buffer, 1), [4, 5, 6]],
    ['Uint16Array', () => new Uint16Array([0x0201, 0x0403]), [1, 2, 3, 4]],
    ['Float64Array view of part', () => new Float64Array(new Float64Array([1, 2]).buffer, 8, 1), [...new Uint8Array(new Float64Array([2]).buffer)]],
    ['string (UTF-8)', () => 'hé', [0x68, 0xc3, 0xa9]],
  ]
  const client = new AwsClient(signing)
  for (const [kind, chunk, expected] of pairs) {
    const request = await client.sign(URL_, { method: 'PUT', body: streamOf([new Uint8Array([9]), chunk(), chunk()]) })
    const want = Uint8Array.from([9, ...expected, ...expected])
    assert.deepEqual(new Uint8Array(await request.arrayBuffer()), want, `${kind}: the bytes sent`)
    assert.equal(request.headers.get('x-amz-content-sha256'), hex(want), `${kind}: the hash signed`)
  }
})

test('a stream chunk that is not bytes or a string is ERR_UNSUPPORTED_BODY, and the stream is cancelled', async () => {
  for (const bad of [5, {}, null, [1, 2]]) {
    let cancelled
    const stream = new ReadableStream({
      start(controller) { controller.enqueue(bad) },
      cancel(reason) { cancelled = reason },
    })
    assertCode(await rejection(new AwsClient(signing).sign(URL_, { method: 'PUT', body: stream })), 'ERR_UNSUPPORTED_BODY')
    assert.ok(cancelled instanceof IamFetchError, 'the source learns why it was cancelled')
  }
})

test('string chunks count toward maxBufferedBodyBytes in UTF-8 bytes', async () => {
  const client = new AwsClient({ ...signing, maxBufferedBodyBytes: 5 })
  assertCode(await rejection(client.sign(URL_, { method: 'PUT', body: streamOf(['hello', 'world']) })), 'ERR_BODY_TOO_LARGE')
  // Three characters, six bytes.
  assertCode(await rejection(client.sign(URL_, { method: 'PUT', body: streamOf(['ééé']) })), 'ERR_BODY_TOO_LARGE')
  const fits = await client.sign(URL_, { method: 'PUT', body: streamOf(['hé', 'l']) })
  assert.equal(await fits.text(), 'hél')
})

test('a locked stream body is ERR_UNSUPPORTED_BODY in every signing API, with or without a declared hash', async () => {
  const url = URL_
  const calls = [
    () => new AwsClient(signing).sign(url, { method: 'PUT', body: lockedStream() }),
    () => new AwsClient(signing).fetch(url, { method: 'PUT', body: lockedStream() }),
    () => new AwsClient(signing).sign(url, { method: 'PUT', body: lockedStream(), headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }),
    () => new AwsV4Signer({ url, method: 'PUT', body: lockedStream(), ...signing }).sign(),
    () => signRequest({ url, method: 'PUT', body: lockedStream() }, signing),
  ]
  for (const call of calls) assertCode(await rejection(call()), 'ERR_UNSUPPORTED_BODY')
})

test('detached buffers are ERR_UNSUPPORTED_BODY, never an empty body signed or a TypeError', async () => {
  await init()
  const detachedView = () => {
    const buffer = new ArrayBuffer(8)
    const view = new Uint8Array(buffer, 2)
    structuredClone(buffer, { transfer: [buffer] })
    return view
  }
  for (const make of [detachedBuffer, detachedView]) {
    assertCode(await rejection((async () => sha256Hex(make()))()), 'ERR_UNSUPPORTED_BODY')
    assertCode(await rejection(new AwsClient(signing).sign(URL_, { method: 'PUT', body: make() })), 'ERR_UNSUPPORTED_BODY')
    assertCode(await rejection(new AwsV4Signer({ url: URL_, method: 'PUT', body: make(), ...signing }).sign()), 'ERR_UNSUPPORTED_BODY')
    assertCode(await rejection(signRequest({ url: URL_, method: 'PUT', body: make() }, signing)), 'ERR_UNSUPPORTED_BODY')
    assertCode(await rejection(new AwsClient(signing).sign(URL_, { method: 'PUT', body: streamOf([make()]) })), 'ERR_UNSUPPORTED_BODY')
  }
})

test('resizable buffers: hashed by sha256Hex, refused as a body (fetch cannot send them) with ERR_UNSUPPORTED_BODY', async () => {
  await init()
  const resizable = () => {
    const buffer = new ArrayBuffer(3, { maxByteLength: 16 })
    new Uint8Array(buffer).set([97, 98, 99])
    return buffer
  }
  assert.equal(sha256Hex(resizable()), hex('abc'))
  assert.equal(sha256Hex(new Uint8Array(resizable())), hex('abc'))
  for (const make of [resizable, () => new Uint8Array(resizable())]) {
    assertCode(await rejection(new AwsClient(signing).sign(URL_, { method: 'PUT', body: make() })), 'ERR_UNSUPPORTED_BODY')
    assertCode(await rejection(signRequest({ url: URL_, method: 'PUT', body: make() }, signing)), 'ERR_UNSUPPORTED_BODY')
  }
})

test('an AbortSignal ends the buffering of a stalled stream body at once, and cancels the stream', async () => {
  let cancelledWith
  const stalled = new ReadableStream({
    start(controller) { controller.enqueue(new Uint8Array([1])) },
    pull() { return new Promise(() => {}) }, // never produces the rest
    cancel(reason) { cancelledWith = reason },
  })
  const controller = new AbortController()
  const reason = new Error('user gave up')
  setTimeout(() => controller.abort(reason), 50)
  const client = new AwsClient(signing)
  // Rejects with the signal's reason, as fetch does: before the fix it never settled.
  assert.equal(await rejection(client.fetch(URL_, { method: 'PUT', body: stalled, signal: controller.signal })), reason)
  assert.equal(cancelledWith, reason)

  const already = AbortSignal.abort()
  const untouched = streamOf([new Uint8Array([1])])
  assert.equal((await rejection(client.fetch(URL_, { method: 'PUT', body: untouched, signal: already }))).name, 'AbortError')
  assert.equal(untouched.locked, false, 'an aborted call does not start reading')
})

test('an AbortSignal stops the chunked hashing of a Blob body between chunks', async () => {
  const controller = new AbortController()
  // Above the size WebCrypto hashes whole (8 MiB): hashed here in 1 MiB chunks.
  const blob = new Blob([new Uint8Array(9 * 1024 * 1024)])
  const progress = []
  const client = new AwsClient({ ...signing, onHashProgress: (done) => { progress.push(done); if (progress.length === 2) controller.abort() } })
  const error = await rejection(client.fetch(URL_, { method: 'PUT', body: blob, signal: controller.signal }))
  assert.equal(error.name, 'AbortError')
  assert.equal(progress.length, 2, 'hashing stopped at the next chunk')
})

test('bytes from another realm (a vm context, an iframe) are hashed and signed like local ones', async () => {
  await init()
  const { runInNewContext } = await import('node:vm')
  const foreign = runInNewContext('new Uint8Array([97, 98, 99])')
  assert.ok(!(foreign instanceof Uint8Array), 'the test really has a foreign Uint8Array')
  assert.equal(sha256Hex(foreign), hex('abc'))
  assert.equal(sha256Hex(runInNewContext('new Uint8Array([97, 98, 99]).buffer')), hex('abc'))
  const signed = await signRequest({ url: URL_, method: 'PUT', body: runInNewContext('new Uint8Array([97, 98, 99]).buffer') }, signing)
  assert.equal(signed.payloadHash, hex('abc'))
})

test("a Request input's stalled body is abandoned at the call's AbortSignal, and a null init is fetch's {}", async () => {
  const stalled = new ReadableStream({ pull: () => new Promise(() => {}) })
  const controller = new AbortController()
  const reason = new Error('gave up')
  setTimeout(() => controller.abort(reason), 50)
  const request = new Request(URL_, { method: 'PUT', body: stalled, duplex: 'half' })
  assert.equal(await rejection(new AwsClient(signing).fetch(request, { signal: controller.signal })), reason)
  const signed = await new AwsClient(signing).sign(URL_, null)
  assert.equal(signed.method, 'GET')
})

test('a progress callback that throws releases the stream; a freed Sha256 is refused without costing the instance', async () => {
  let cancelled
  const stream = new ReadableStream({
    pull(controller) { controller.enqueue(new Uint8Array(8)) },
    cancel(reason) { cancelled = reason },
  })
  const oops = new Error('progress UI failed')
  const client = new AwsClient({ ...signing, onHashProgress: () => { throw oops } })
  assert.equal(await rejection(client.sign(URL_, { method: 'PUT', body: stream })), oops)
  assert.equal(cancelled, oops, 'the source was cancelled with the reason')

  await init()
  const { callWasm } = await import(new URL('core.js', distEntry).href)
  const instance = callWasm((bindings) => bindings.rawExports())
  const hasher = new Sha256()
  hasher.free()
  hasher.free()
  for (const use of [() => hasher.update('a'), () => hasher.digest()]) {
    assert.throws(use, (error) => error instanceof IamFetchError && error.code === 'ERR_NOT_INITIALIZED')
  }
  assert.equal(callWasm((bindings) => bindings.rawExports()), instance, 'the healthy instance was kept')
})
