// The iamfetch demo page: plain DOM, a module per concern. Everything
// AWS-specific comes from settings (settings.js). Secrets and tokens are kept
// in memory only and masked in everything the page shows (log.js).
import { init } from 'iamfetch'
import { sendComposed, onMethodOrTarget } from './composer.js'
import { continueAsGuest, signIn, signOut, tick } from './identity.js'
import { log } from './log.js'
import { runMistake } from './mistakes.js'
import { $, describeError } from './page.js'
import { applySettings, loadSettings } from './settings.js'
import { setProgress, upload } from './upload.js'

async function main() {
  await loadSettings()
  $('guest').addEventListener('click', continueAsGuest)
  $('signin').addEventListener('submit', signIn)
  $('signout').addEventListener('click', signOut)
  $('request-form').addEventListener('submit', sendComposed)
  $('method').addEventListener('change', onMethodOrTarget)
  $('target').addEventListener('change', onMethodOrTarget)
  $('mistakes').addEventListener('click', runMistake)
  $('upload-button').addEventListener('click', upload)
  $('file').addEventListener('change', () => {
    setProgress('hash', 0)
    setProgress('send', 0)
    $('upload-status').textContent = ''
  })
  $('settings-form').addEventListener('submit', applySettings)
  onMethodOrTarget()
  setInterval(tick, 1000)
  await init()
  document.body.dataset.ready = 'true'
  log('Ready: iamfetch loaded. Continue as a guest or sign in.')
}

main().catch((error) => {
  $('mode').textContent = `The page failed to start: ${describeError(error)}`
  $('mode').className = 'mode'
})
