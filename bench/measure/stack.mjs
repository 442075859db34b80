// The local stack (stack/): the edge proxy's upstream, and the verifier the
// SigV4a signatures are checked with.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { log } from '../log.mjs'
import { ROOT } from '../paths.mjs'

/** Installs the local stack's packages if they are missing. */
export function ensureStack() {
  if (existsSync(join(ROOT, 'stack/node_modules'))) return
  log('installing the local stack (npm ci --prefix stack)')
  execFileSync('npm', ['ci', '--prefix', join(ROOT, 'stack'), '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' })
}
