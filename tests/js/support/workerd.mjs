// One workerd configuration for every test (and the bench) that runs a Worker:
// the compatibility date and flags, and the capnp config that serves the
// given modules. examples/cloudflare-worker/wrangler.toml, which users copy,
// names the same date (tests/js/examples.test.mjs checks it).
import { writeFileSync } from 'node:fs'

/**
 * The compatibility date the Workers run at. From 2025-05-05 on, workerd has
 * FinalizationRegistry and WeakRef, which the client uses where they exist; a
 * test that runs a Worker at an earlier date does so deliberately, under a
 * named constant of its own.
 */
export const COMPATIBILITY_DATE = '2025-09-01'

/** iamfetch needs no compatibility flag: a Worker that copies wrangler.toml sets none. */
export const COMPATIBILITY_FLAGS = []

/** The service every Worker's outbound fetches go through: the public internet and the local stack. */
const NETWORK = '(name = "internet", network = (allow = ["public", "local", "private"]))'

const text = (value) => JSON.stringify(String(value))

/**
 * The capnp text of a workerd config: one service per Worker, listening on
 * 127.0.0.1 when it has a port (0: any; workerd reports which on its
 * --control-fd).
 *
 * @param {{ name: string, port?: number, modules: [string, 'esModule' | 'wasm' | 'text', string][], bindings?: [string, string][], outbound?: boolean }[]} workers
 *   modules: [name the Worker imports it by, kind, file embedded, relative to the config]; bindings: [name, text];
 *   outbound: whether the Worker may fetch (its globalOutbound is the network)
 * @param {{ compatibilityDate?: string, compatibilityFlags?: string[] }} [options] other than COMPATIBILITY_DATE and COMPATIBILITY_FLAGS
 */
export function workerdConfig(workers, { compatibilityDate = COMPATIBILITY_DATE, compatibilityFlags = COMPATIBILITY_FLAGS } = {}) {
  for (const { name } of workers) {
    // A Worker's name is also the capnp constant that defines it.
    if (!/^[a-z][A-Za-z0-9]*$/.test(name) || name === 'config') throw new Error(`workerdConfig: ${JSON.stringify(name)} is no capnp constant name`)
  }
  const services = workers.map((w) => `(name = ${text(w.name)}, worker = .${w.name})`)
  const sockets = workers.filter((w) => w.port !== undefined)
    .map((w) => `(name = ${text(`${w.name}-http`)}, address = ${text(`127.0.0.1:${w.port}`)}, http = (), service = ${text(w.name)})`)
  const definitions = workers.map((w) => {
    const modules = w.modules.map(([name, kind, file]) => `(name = ${text(name)}, ${kind} = embed ${text(file)})`)
    const bindings = (w.bindings ?? []).map(([name, value]) => `(name = ${text(name)}, text = ${text(value)})`)
    return `const ${w.name} :Workerd.Worker = (
  modules = [${modules.join(', ')}],
  bindings = [${bindings.join(', ')}],
  compatibilityDate = ${text(compatibilityDate)},
  compatibilityFlags = [${compatibilityFlags.map(text).join(', ')}],${w.outbound ? '\n  globalOutbound = "internet",' : ''}
);`
  })
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [${[...services, NETWORK].join(', ')}],
  sockets = [${sockets.join(', ')}],
);
${definitions.join('\n')}
`
}

/** Writes workerdConfig(workers, options) to `file` (readable by its owner only: bindings may hold keys); returns `file`. */
export function writeWorkerdConfig(file, workers, options) {
  writeFileSync(file, workerdConfig(workers, options), { mode: 0o600 })
  return file
}
