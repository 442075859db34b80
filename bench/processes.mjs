// Child processes whose last stdout line is their JSON result: the Node
// runtime entries (bench/src/node.mjs, cold-node.mjs) and bench_native.
import { spawn } from 'node:child_process'
import { BENCH } from './paths.mjs'

export function runJson(cmd, args, { env, cwd = BENCH, timeoutMs = 600_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const line = stdout.trim().split('\n').pop()
      if (code === 0 && line) {
        try { return resolvePromise(JSON.parse(line)) } catch {}
      }
      reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`))
    })
  })
}

/** A fresh Node process running `args` (a script under bench/ and its arguments). */
export const node = (args, opts) => runJson(process.execPath, args, opts)
