// What the credential hardening tests share: static keys, a loopback server,
// container and STS answers, scratch files, and a bound on how long a promise
// may stay pending.
import { after } from 'node:test'
import { createServer } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const KEYS = { accessKeyId: 'AKIDHARDENINGTEST', secretAccessKey: 'hardening-secret-access-key' }
export const LAMBDA_URL = 'https://abc.lambda-url.us-east-1.on.aws/'

/** `promise`, or a rejection naming `what` once it has been pending for `ms`. */
export const within = (promise, ms, what) => Promise.race([
  promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms).unref()),
])

/** A loopback server; `handler(req, res)`; closed after the test. Returns its origin. */
export async function serve(t, handler) {
  const server = createServer(handler)
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => { server.closeAllConnections(); server.close() })
  return `http://127.0.0.1:${server.address().port}`
}

/** A container endpoint's answer. */
export const containerJson = (expiration, extra = {}) => JSON.stringify({
  AccessKeyId: 'ASIACONTAINERSTUB', SecretAccessKey: 'container-secret-access-key', Token: 'container-session-token-value',
  Expiration: expiration, ...extra,
})

/** An STS AssumeRole answer. */
export const stsXml = (expiration) => `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIASTSSTUBKEY</AccessKeyId><SecretAccessKey>sts-stub-secret-access-key</SecretAccessKey><SessionToken>sts-stub-session-token</SessionToken><Expiration>${expiration}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`

/** A temporary folder, removed after the test file: `{ dir, file(name, content) }`, file returning the path written. */
export function scratchFiles(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  after(() => rmSync(dir, { recursive: true, force: true }))
  const file = (name, content) => {
    const path = join(dir, name)
    writeFileSync(path, content)
    return path
  }
  return { dir, file }
}
