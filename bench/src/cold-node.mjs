// Node cold start, in a fresh process: the time from importing the library to
// its first signature (a 1 KB POST with a session token). One JSON line.
//   node cold-node.mjs iamfetch|aws4fetch|smithy [preload]
//   node cold-node.mjs iamfetch|smithy sigv4a   # the first SigV4a signature, SigV4 already signed
import { POST_1K, SIGNING_TIME_MS, SIGV4A, SIGV4A_ALGORITHM, credentialsOf, firstSigV4a, signerOptions, smithyRequest } from './common.mjs'

const [lib, variant] = process.argv.slice(2)
const now = () => performance.now()
// `preload`: touch Node's fetch globals first. Node loads undici (its fetch, Headers,
// Request) lazily on first use, which costs ~20 ms once per process; an app that
// has already called fetch has paid it, so this variant shows the library's own cost.
if (variant === 'preload') new Headers()
const c = POST_1K()
const bootMs = now()

/** The SDK's signature of the 1 KB POST: SignatureV4's, or with SignatureV4a and SigV4a's settings, SigV4a's. */
async function smithySign(Signer, sha256, settings = { service: 'lambda', region: 'us-east-1', applyChecksum: false }) {
  const out = await new Signer({ credentials: credentialsOf(c), sha256, ...settings }).sign(smithyRequest(c), { signingDate: new Date(SIGNING_TIME_MS) })
  return out.headers.authorization
}

let result
if (variant === 'sigv4a') {
  if (lib === 'iamfetch') result = await firstSigV4a(await import('iamfetch'), now)
  else if (lib === 'smithy') {
    // As iamfetch's lazy build: SignatureV4 loaded and used, then @smithy/signature-v4a imported and used.
    const [{ SignatureV4 }, { Sha256 }] = await Promise.all([import('@smithy/signature-v4'), import('@aws-crypto/sha256-js')])
    await smithySign(SignatureV4, Sha256)
    const t0 = now()
    const { SignatureV4a } = await import('@smithy/signature-v4a')
    const authorization = await smithySign(SignatureV4a, Sha256, { service: SIGV4A.service, region: SIGV4A.regionSet.join(',') })
    result = { ms: now() - t0, signed: authorization.startsWith(`${SIGV4A_ALGORITHM} `) }
  } else throw new Error(`unknown lib ${lib}`)
} else {
  const t0 = now()
  let signed
  const parts = {}
  if (lib === 'iamfetch' || lib === 'aws4fetch') {
    const m = lib === 'iamfetch' ? await import('iamfetch') : await import('aws4fetch')
    parts.import = now() - t0
    // iamfetch loads its wasm on first use; here explicitly, to split the time.
    if (lib === 'iamfetch') await m.init()
    parts.init = now() - t0 - parts.import
    const out = await new m.AwsV4Signer(signerOptions(c)).sign()
    signed = out.headers.has('authorization')
  } else if (lib === 'smithy') {
    const [{ SignatureV4 }, { Sha256 }] = await Promise.all([import('@smithy/signature-v4'), import('@aws-crypto/sha256-js')])
    signed = !!(await smithySign(SignatureV4, Sha256))
  } else {
    throw new Error(`unknown lib ${lib}`)
  }
  const ms = now() - t0
  if (parts.import !== undefined) parts.firstSign = ms - parts.import - parts.init
  result = { ms, signed, parts }
}
process.stdout.write(`${JSON.stringify({ ...result, bootMs })}\n`)
