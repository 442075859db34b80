// Records, in a fresh Node process, what the package loads and when: each
// module loaded from a path containing `under`, as `import <url>`, and with
// `reads`, each fs call on such a path, as `read <path>`, appended to the file
// named by IAMFETCH_LOG. The process is started with `--import <recorder>`.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

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
