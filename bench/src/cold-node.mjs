// Node cold start, in a fresh process: the time from importing the library to
// its first signature (a 1 KB POST with a session token). One JSON line.
import { COLD_CASE, ACCESS_KEY_ID, SECRET_ACCESS_KEY, SIGNING_TIME_MS } from './common.mjs'

const lib = process.argv[2]
// `preload`: touch Node's fetch globals first. Node loads undici (its fetch, Headers,
// Request) lazily on first use, which costs ~20 ms once per process; an app that
// has already called fetch has paid it, so this variant shows the library's own cost.
if (process.argv[3] === 'preload') new Headers()
const c = COLD_CASE()
const bootMs = performance.now()
const t0 = performance.now()
let signed
const parts = {}
if (lib === 'iamfetch' || lib === 'aws4fetch') {
  const m = lib === 'iamfetch' ? await import('iamfetch') : await import('aws4fetch')
  parts.import = performance.now() - t0
  // iamfetch loads its wasm on first use; here explicitly, to split the time.
  if (lib === 'iamfetch') await m.init()
  parts.init = performance.now() - t0 - parts.import
  const out = await new m.AwsV4Signer({
    method: c.method, url: c.url, headers: c.headers, body: c.body,
    accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, sessionToken: c.sessionToken,
    service: 'lambda', region: 'us-east-1',
  }).sign()
  signed = out.headers.has('authorization')
} else if (lib === 'smithy') {
  const [{ SignatureV4 }, { Sha256 }] = await Promise.all([import('@smithy/signature-v4'), import('@aws-crypto/sha256-js')])
  const u = new URL(c.url)
  const out = await new SignatureV4({
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, sessionToken: c.sessionToken },
    service: 'lambda', region: 'us-east-1', sha256: Sha256, applyChecksum: false,
  }).sign({ method: c.method, protocol: u.protocol, hostname: u.hostname, path: u.pathname, query: {}, headers: { host: u.host, ...c.headers }, body: c.body },
    { signingDate: new Date(SIGNING_TIME_MS) })
  signed = 'authorization' in out.headers
} else {
  throw new Error(`unknown lib ${lib}`)
}
const ms = performance.now() - t0
if (parts.import !== undefined) parts.firstSign = ms - parts.import - parts.init
process.stdout.write(`${JSON.stringify({ ms, bootMs, signed, parts })}\n`)
