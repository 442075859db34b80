// Signed-chunk S3 uploads (`contentLength` on a stream) as a runtime runs
// them: Bun and Deno run it as a script, workerd inside a Worker
// (tests/js/s3-upload.test.mjs drives them). It needs only fetch and
// streams; `rss()` reads the runtime's resident memory, where it can.

/** Bytes that differ from one offset to the next. */
function patterned(size, seed = 0) {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >>> 8) * 7 + seed) & 0xff
  return bytes
}

/** `size` bytes made as they are pulled, in pieces of `piece` (unrelated to the chunk size). */
function generated(size, piece = 100_000) {
  let made = 0
  return new ReadableStream({
    pull(controller) {
      if (made >= size) return controller.close()
      const bytes = patterned(Math.min(piece, size - made), made)
      made += bytes.length
      controller.enqueue(bytes)
    },
  }, { highWaterMark: 0 })
}

const settle = (promise) => promise.then(async (response) => ({ status: response.status, text: response.status === 200 ? '' : await response.text() }), (error) => ({ code: error.code ?? error.name, message: error.message }))

/**
 * @param {{ AwsClient: any, init: () => Promise<unknown> }} iamfetch
 * @param {{ bucketUrl: string, credentials: object, name: string, bigSize: number }} env
 * @param {() => number} [rss]
 */
export async function s3Uploads({ AwsClient, init }, { bucketUrl, credentials, name, bigSize }, rss) {
  await init()
  const client = new AwsClient(credentials)
  const put = (key, body, aws) => settle(client.fetch(`${bucketUrl}/${name}/${key}`, { method: 'PUT', body, aws }))
  const results = {}

  const bytes = patterned(150_000)
  results.trailer = await put('trailer', generatedFrom(bytes, 7777), { contentLength: bytes.length, checksumAlgorithm: 'CRC32C', chunkSize: 8192 })
  const back = new Uint8Array(await (await client.fetch(`${bucketUrl}/${name}/trailer`)).arrayBuffer())
  results.readBackEqual = back.length === bytes.length && back.every((b, i) => b === bytes[i])
  results.empty = await put('empty', generated(0), { contentLength: 0 })
  results.tooLong = await put('long', generated(20_000), { contentLength: 10_000 })
  results.tooShort = await put('short', generated(10_000), { contentLength: 20_000 })

  // Checksums: each algorithm over "123456789" (the header as signed, then the
  // PUT S3 checks), and a DeleteObjects, which S3 refuses without Content-MD5.
  const check = new TextEncoder().encode('123456789')
  results.checksums = {}
  for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256']) {
    const url = `${bucketUrl}/${name}/sum-${algorithm}`
    const signed = await client.sign(url, { method: 'PUT', body: check, aws: { checksumAlgorithm: algorithm } })
    const sent = await put(`sum-${algorithm}`, check, { checksumAlgorithm: algorithm })
    results.checksums[algorithm] = { header: signed.headers.get(`x-amz-checksum-${algorithm.toLowerCase()}`), ...sent }
  }
  const md5 = await client.sign(`${bucketUrl}/${name}/sum-MD5`, { method: 'PUT', body: check, aws: { contentMd5: true } })
  results.checksums.MD5 = { header: md5.headers.get('content-md5'), ...(await put('sum-MD5', check, { contentMd5: true })) }
  const deletion = `<Delete><Object><Key>${name}/sum-CRC32</Key></Object></Delete>`
  const deleteObjects = (aws) => settle(client.fetch(`${bucketUrl}?delete`, { method: 'POST', body: deletion, aws }))
  results.deleteWithoutMd5 = await deleteObjects(undefined)
  results.deleteWithMd5 = await deleteObjects({ contentMd5: true })

  if (bigSize) {
    globalThis.gc?.()
    const baseline = rss?.() ?? 0
    let peak = baseline
    const timer = rss && setInterval(() => { peak = Math.max(peak, rss()) }, 10)
    results.big = await put('big', generated(bigSize), { contentLength: bigSize })
    if (timer) clearInterval(timer)
    results.big.growthBytes = rss ? Math.max(peak, rss()) - baseline : undefined
  }
  return results
}

/** `bytes` as a pull stream in pieces of `piece`. */
function generatedFrom(bytes, piece) {
  let offset = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(offset, offset + piece))
      offset += piece
    },
  }, { highWaterMark: 0 })
}
