// Runs the examples/ folders as a user would: copied into a project whose
// node_modules/iamfetch is this repository's built package (js/, with dist/),
// so that `import ... from 'iamfetch/proxy'` resolves through the exports map.
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from './paths.mjs'

export const bin = (name) => join(repoRoot, 'node_modules', '.bin', name)

/** A temporary project with iamfetch (and what it and the examples need) installed as symlinks, and the examples copied in. */
export function exampleProject() {
  const dir = mkdtempSync(join(tmpdir(), 'iamfetch-examples-'))
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(join(repoRoot, 'js'), join(dir, 'node_modules', 'iamfetch'), 'dir')
  // iamfetch's dependency, and the Node example's adapter (with its peer).
  mkdirSync(join(dir, 'node_modules', '@hono'))
  for (const name of ['aws-jwt-verify', '@hono/node-server', 'hono']) {
    symlinkSync(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name), 'dir')
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'examples-consumer', private: true, type: 'module', dependencies: { iamfetch: '*' } }))
  for (const example of ['node', 'deno', 'bun', 'cloudflare-worker', 'lambda-edge']) {
    cpSync(join(repoRoot, 'examples', example), join(dir, example), { recursive: true })
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * Starts a server process and waits (bounded) for its "listening on <url>"
 * line, or for workerd's listen event on the control fd.
 */
export async function startServer(command, args, { cwd, env, controlFd = false, waitMs = 30_000 }) {
  const stdio = ['ignore', 'pipe', 'pipe']
  if (controlFd) stdio.push('pipe')
  const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env }, stdio })
  let output = ''
  child.stdout.on('data', (d) => { output += d })
  child.stderr.on('data', (d) => { output += d })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start within ${waitMs} ms:\n${output.slice(-2000)}`)), waitMs)
    const done = (value) => {
      clearTimeout(timer)
      resolve(value)
    }
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) done(match[1])
    })
    if (controlFd) {
      let control = ''
      child.stdio[3].on('data', (d) => {
        control += d
        for (const line of control.split('\n')) {
          try {
            const event = JSON.parse(line)
            if (event.event === 'listen') done(`http://127.0.0.1:${event.port}`)
          } catch { /* a partial line */ }
        }
      })
    }
    exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`${command} exited (${code}):\n${output.slice(-2000)}`))
    })
  })
  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
