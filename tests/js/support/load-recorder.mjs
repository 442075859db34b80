// Records, in a fresh Node process, what the package loads and when: each
// module loaded from a path containing `under`, as `import <url>`, and with
// `reads`, each fs call on such a path, as `read <path>`, appended to the file
// named by IAMFETCH_LOG. The process is started with `--import <recorder>`.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

/**
 * Writes the recorder and its module hooks into `dir`.
 * @param {string} dir
 * @param {{ under: string, reads?: boolean }} what
 * @returns {string} the path to pass to `node --import`
 */
export function writeLoadRecorder(dir, { under, reads = false }) {
  const match = JSON.stringify(under)
  const recordReads = `
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
const record = (path) => { if (String(path).includes(${match})) fs.appendFileSync(process.env.IAMFETCH_LOG, 'read ' + path + '\\n') }
for (const [api, names] of [[fs, ['readFile', 'readFileSync', 'open', 'openSync', 'createReadStream']], [fs.promises, ['readFile', 'open']]]) {
  for (const name of names) {
    const original = api[name]
    api[name] = function (path, ...rest) { record(path); return original.call(this, path, ...rest) }
  }
}
syncBuiltinESMExports()
`
  const recorder = `${reads ? recordReads : ''}
import { register } from 'node:module'
register('./hooks.mjs', import.meta.url)
`
  const hooks = `
import { appendFileSync } from 'node:fs'
export async function load(url, context, next) {
  if (url.includes(${match})) appendFileSync(process.env.IAMFETCH_LOG, 'import ' + url + '\\n')
  return next(url, context)
}
`
  writeFileSync(join(dir, 'hooks.mjs'), hooks)
  writeFileSync(join(dir, 'recorder.mjs'), recorder)
  return join(dir, 'recorder.mjs')
}

/**
 * Runs `app` (an ES module's text) in a fresh Node process whose loads are
 * recorded (writeLoadRecorder's `under` and `reads`), with `args` after the
 * app's path, and returns the log's lines: the recorder's, and what the app
 * appended to IAMFETCH_LOG itself.
 * @param {string} app
 * @param {{ under: string, reads?: boolean, args?: string[] }} options
 */
export async function runRecorded(app, { under, reads = false, args = [] }) {
  const work = mkdtempSync(join(tmpdir(), 'iamfetch-loads-'))
  try {
    const recorder = writeLoadRecorder(work, { under, reads })
    writeFileSync(join(work, 'app.mjs'), app)
    const log = join(work, 'log')
    writeFileSync(log, '')
    await promisify(execFile)('node', ['--import', recorder, join(work, 'app.mjs'), ...args], { env: { ...process.env, IAMFETCH_LOG: log }, timeout: 60_000 })
    return readFileSync(log, 'utf8').trim().split('\n')
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
