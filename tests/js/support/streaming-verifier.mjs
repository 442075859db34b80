// A sink for uploads too large for a function URL (6 MB): it checks the SigV4
// signature with the AWS SDK's signer over the signed x-amz-content-sha256,
// and the body against that hash, while streaming, without buffering.
import { createServer } from 'node:http'
import { createHash } from 'node:crypto'
import { SignatureV4 } from '@smithy/signature-v4'
import { Sha256 } from '@aws-crypto/sha256-js'

export async function startStreamingVerifier({ accessKeyId, secretAccessKey, service, region }) {
  const signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey }, service, region, sha256: Sha256 })
  const server = createServer(async (req, res) => {
    const hash = createHash('sha256')
    let bytes = 0
    for await (const chunk of req) {
      hash.update(chunk)
      bytes += chunk.length
    }
    const authorization = req.headers.authorization ?? ''
    const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1].split(';') ?? []
    const headers = Object.fromEntries(signedNames.map((name) => [name, req.headers[name]]))
    const url = new URL(req.url, `http://${req.headers.host}`)
    const date = req.headers['x-amz-date']
    const expected = await signer.sign(
      {
        method: req.method,
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
      },
      { signingDate: new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`) },
    )
    const signatureOk = expected.headers.authorization === authorization
    const hashOk = hash.digest('hex') === req.headers['x-amz-content-sha256']
    res.writeHead(signatureOk && hashOk ? 200 : 403, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ bytes, signatureOk, hashOk }))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) }
}
