// The three browser engines as the bench drives them: launched as the tests
// launch them (tests/js/support/browsers.mjs), serving bench/.out/browser from
// a local server, each open() a fresh page (a fresh context in Chromium) that
// calls window.bench's modes (bench/src/browser.mjs).
import { existsSync, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { extname, join } from 'node:path'
import { ENGINES, launchChromium as startChromium, launchFirefox as startFirefox, launchWebKit as startWebKit } from '../../tests/js/support/browsers.mjs'
import { log } from '../log.mjs'
import { OUT } from '../paths.mjs'

export const BROWSERS = ENGINES

const CONTENT_TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm' }

async function startStaticServer(dir) {
  const server = createServer((req, res) => {
    const path = join(dir, new URL(req.url, 'http://x').pathname)
    if (!path.startsWith(dir) || !existsSync(path) || statSync(path).isDirectory()) { res.writeHead(404).end(); return }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      // Cross-origin isolation gives a finer performance.now() where the browser allows it.
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
    })
    res.end(readFileSync(path))
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) }
}

const waitReady = 'window.benchReady === true'

// Each launcher returns { version, open(url, { ready }), renderers?, close }; open()
// gives { call(mode, ...args), close, page? }, where call runs window.bench[mode]
// in the page and returns its result.
async function launchChromium() {
  const browser = await startChromium()
  const cdp = await browser.newBrowserCDPSession()
  return {
    version: `Chromium ${browser.version()}`,
    async open(url, { ready = true } = {}) {
      const context = await browser.newContext()
      const page = await context.newPage()
      page.on('pageerror', (e) => log('chromium page error:', e.message))
      await page.goto(url)
      if (ready) await page.waitForFunction(waitReady, null, { timeout: 30_000 })
      return {
        page,
        call: async (mode, ...args) => JSON.parse(await page.evaluate(([m, a]) => window.benchCall(m, a), [mode, args])),
        close: () => context.close(),
      }
    },
    renderers: async () => (await cdp.send('SystemInfo.getProcessInfo')).processInfo.filter((p) => p.type === 'renderer').map((p) => p.id),
    close: () => browser.close(),
  }
}

// Firefox over WebDriver BiDi (puppeteer-core drives it directly: no geckodriver).
async function launchFirefox() {
  const browser = await startFirefox({ protocolTimeout: 900_000 })
  return {
    version: `Firefox ${(await browser.version()).replace(/^firefox\//, '')}`,
    async open(url, { ready = true } = {}) {
      const page = await browser.newPage()
      page.on('pageerror', (e) => log('firefox page error:', e.message))
      await page.goto(url)
      if (ready) await page.waitForFunction(waitReady, { timeout: 30_000 })
      return {
        page,
        call: async (mode, ...args) => JSON.parse(await page.evaluate((m, a) => window.benchCall(m, a), mode, args)),
        close: () => page.close(),
      }
    },
    close: () => browser.close(),
  }
}

// WebKitGTK's MiniBrowser (JavaScriptCore, Safari's engine) on its own Xvfb display.
async function launchWebKit() {
  const { driver, version, close } = await startWebKit({ scriptTimeoutMs: 900_000 })
  return {
    version,
    async open(url, { ready = true } = {}) {
      // One window: each open() navigates it afresh.
      await driver.get(url)
      if (ready) await driver.wait(() => driver.executeScript(`return ${waitReady}`), 30_000)
      return {
        call: async (mode, ...args) => JSON.parse(await driver.executeScript('return window.benchCall(arguments[0], arguments[1])', mode, args)),
        close: () => driver.get('about:blank'),
      }
    },
    close,
  }
}

const LAUNCHERS = { chromium: launchChromium, firefox: launchFirefox, webkit: launchWebKit }

/**
 * Serves .out/browser, starts one browser and hands `fn` { open(path, opts), renderers }.
 * A browser that cannot start or run is left out with a note in `results`
 * (Chromium, which the size checks need, fails the run).
 */
export async function withBrowser(results, name, fn) {
  const server = await startStaticServer(join(OUT, 'browser'))
  let browser
  try {
    browser = await LAUNCHERS[name]()
    results.versions[name] = browser.version
    return await fn({ open: (path = 'index.html', opts) => browser.open(server.url + path, opts), renderers: browser.renderers })
  } catch (error) {
    if (name === 'chromium') throw error
    const message = String(error?.message ?? error).split('\n')[0].slice(0, 200)
    log(`${name} failed: ${message}`)
    results.notes.push(`${name}: a measurement failed and is missing (${message}).`)
    return undefined
  } finally {
    await browser?.close().catch(() => {})
    await server.close()
  }
}

/** Runs window.bench[mode](...args) in a fresh page of each wanted browser, in turn. */
export async function inBrowsers({ results, wantRt }, what, mode, args, store) {
  for (const name of BROWSERS) {
    if (!wantRt(name)) continue
    log(`${what}: ${name}`)
    await withBrowser(results, name, async ({ open }) => {
      const p = await open()
      results.clocks[name] ??= await p.call('clock')
      store(name, await p.call(mode, ...args))
      await p.close()
    })
  }
}
