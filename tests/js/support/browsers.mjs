// The three browser engines, as the tests and bench/runtimes/browsers.mjs launch them:
// Chromium (Debian's package) through playwright-core; Firefox ESR over
// WebDriver BiDi through puppeteer-core (no geckodriver); WebKitGTK's
// MiniBrowser (JavaScriptCore, Safari's engine) through WebKitWebDriver and
// selenium-webdriver, on a virtual display (Xvfb). scripts/test.sh installs them.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { connect } from 'node:net'

export const ENGINES = ['chromium', 'firefox', 'webkit']

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** playwright-core gives each launch (and each context) a fresh, empty profile. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  })
}

/** puppeteer-core drives Firefox over WebDriver BiDi, with a fresh profile per launch. */
export async function launchFirefox({ protocolTimeout = 180_000 } = {}) {
  const { default: puppeteer } = await import('puppeteer-core')
  return puppeteer.launch({ browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true, protocolTimeout })
}

export function miniBrowserPath() {
  const usual = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'
  if (existsSync(usual)) return usual
  const listed = execFileSync('dpkg', ['-L', 'libwebkit2gtk-4.1-0']).toString().split('\n').find((l) => l.endsWith('/MiniBrowser'))
  if (!listed) throw new Error('MiniBrowser not found (apt-get install webkit2gtk-driver)')
  return listed
}

/** A virtual display for WebKit: Xvfb picks a free display number and reports it on fd 3 once it is ready. */
export async function startXvfb() {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] })
  let stderr = ''
  xvfb.stderr.on('data', (d) => { stderr += d })
  const exited = new Promise((resolve) => xvfb.once('exit', resolve))
  const stop = async () => { xvfb.kill('SIGTERM'); await Promise.race([exited, sleep(5000)]) }
  try {
    const display = await new Promise((resolve, reject) => {
      let text = ''
      xvfb.stdio[3].on('data', (d) => {
        text += d
        if (text.includes('\n')) resolve(`:${text.trim()}`)
      })
      exited.then((code) => reject(new Error(`Xvfb exited ${code}: ${stderr.trim().split('\n').slice(-2).join(' | ')}`)))
      setTimeout(() => reject(new Error('Xvfb did not start within 15 s')), 15_000)
    })
    return { display, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

export async function freePort() {
  const probe = createServer()
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address()
  await new Promise((resolve) => probe.close(resolve))
  return port
}

export function waitForPort(port, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => { socket.destroy(); resolve() })
      socket.once('error', () => {
        socket.destroy()
        if (Date.now() > deadline) reject(new Error(`port ${port} never opened`))
        else setTimeout(attempt, 10)
      })
    }
    attempt()
  })
}

/**
 * WebKitGTK's MiniBrowser through WebKitWebDriver, on its own Xvfb display.
 * The driver runs in its own process group, so that the browser processes it
 * starts stop with it. WebDriver awaits the promise a script returns, up to
 * `scriptTimeoutMs`.
 * @returns {Promise<{ driver: import('selenium-webdriver').WebDriver, version: string, close: () => Promise<void> }>}
 */
export async function launchWebKit({ scriptTimeoutMs = 180_000 } = {}) {
  const { Builder } = await import('selenium-webdriver')
  const binary = miniBrowserPath()
  const xvfb = await startXvfb()
  const port = await freePort()
  const driverProcess = spawn('/usr/bin/WebKitWebDriver', [`--port=${port}`],
    { detached: true, env: { ...process.env, DISPLAY: xvfb.display }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  driverProcess.stderr.on('data', (d) => { stderr += d })
  const exited = new Promise((resolve) => driverProcess.once('exit', resolve))
  const stopDriver = async () => {
    try { process.kill(-driverProcess.pid, 'SIGTERM') } catch {}
    await Promise.race([exited, sleep(5000)])
    await xvfb.stop()
  }
  let driver
  try {
    await Promise.race([waitForPort(port, 30_000), exited.then(() => { throw new Error(`WebKitWebDriver exited: ${stderr.slice(-300)}`) })])
    driver = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary, args: ['--automation'] },
    }).build()
    await driver.manage().setTimeouts({ script: scriptTimeoutMs, pageLoad: 60_000 })
  } catch (error) {
    await driver?.quit().catch(() => {})
    await stopDriver()
    throw error
  }
  const caps = await driver.getCapabilities()
  return {
    driver,
    version: `WebKitGTK ${caps.get('browserVersion') ?? '?'} (MiniBrowser)`,
    close: async () => {
      await driver.quit().catch(() => {})
      await stopDriver()
    },
  }
}

/**
 * One page in one engine, behind the few calls the cross-browser tests need,
 * with Playwright's signatures (so a Playwright Page serves where this does).
 * Functions given to evaluate() and waitForFunction() run in the page: they see
 * no Node variable, their one argument and their result cross as JSON, and a
 * promise they return is awaited. click() calls the element's click(), as a
 * script would: WebKitGTK's WebDriver loses some pointer clicks on a loaded
 * machine, and what these tests check is the page and the library, not pointer
 * input (demo.test.mjs drives Chromium by pointer and keyboard).
 * @param {'chromium' | 'firefox' | 'webkit'} engine
 */
export async function openBrowser(engine) {
  if (engine === 'webkit') return openWebKit()
  if (engine !== 'chromium' && engine !== 'firefox') throw new Error(`unknown engine ${engine}: one of ${ENGINES.join(', ')}`)
  const browser = engine === 'chromium' ? await launchChromium() : await launchFirefox()
  try {
    const page = await browser.newPage()
    return {
      engine,
      version: engine === 'chromium' ? `Chromium ${browser.version()}` : `Firefox ${(await browser.version()).replace(/^firefox\//, '')}`,
      goto: async (url) => { await page.goto(url) },
      evaluate: (fn, arg) => page.evaluate(fn, arg),
      // Playwright takes (fn, arg, options); puppeteer (fn, options, arg).
      waitForFunction: async (fn, arg, { timeout = 30_000 } = {}) => {
        await (engine === 'chromium' ? page.waitForFunction(fn, arg, { timeout }) : page.waitForFunction(fn, { timeout }, arg))
      },
      click: (selector) => page.evaluate(clickElement, selector),
      close: () => browser.close(),
    }
  } catch (error) {
    await browser.close().catch(() => {})
    throw error
  }
}

async function openWebKit() {
  const { driver, version, close } = await launchWebKit()
  // WebDriver takes a function body: the function is called with the argument it passes.
  const evaluate = (fn, arg) => driver.executeScript(`return (${fn}).call(null, arguments[0])`, arg ?? null)
  return {
    engine: 'webkit',
    version,
    goto: (url) => driver.get(url),
    evaluate,
    waitForFunction: async (fn, arg, { timeout = 30_000 } = {}) => { await driver.wait(async () => Boolean(await evaluate(fn, arg)), timeout) },
    click: (selector) => evaluate(clickElement, selector),
    close,
  }
}

/** Runs in the page. */
function clickElement(selector) {
  const element = document.querySelector(selector)
  if (!element) throw new Error(`no element matches ${selector}`)
  element.click()
}
