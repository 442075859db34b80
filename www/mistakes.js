// Classic mistakes: each sends a call AWS refuses, then shows explainFailure's diagnosis.
import { AwsClient } from 'iamfetch'
import { client, credentialsByKey, currentCredentials, ensureSession, oacClient, timing } from './identity.js'
import { log } from './log.js'
import { describeError, formatDuration } from './page.js'
import { perform } from './result.js'
import { regionOf, signingFor, stackFaults, urlFor } from './settings.js'
import { wireFetch } from './wire.js'

const MISTAKES = {
  'wrong-region': async () => {
    const right = regionOf('function')
    const wrong = right === 'eu-west-1' ? 'us-west-2' : 'eu-west-1'
    const url = urlFor('function', '/mistake/wrong-region')
    return perform({
      title: `GET ${url} signed for ${wrong}, but the function URL is in ${right}`,
      expect: 'wrong-scope',
      send: async () => ({ response: await client.fetch(url, { aws: { service: 'lambda', region: wrong } }) }),
    })
  },

  'clock-skew': async () => {
    const url = urlFor('function', '/mistake/clock-skew')
    if (stackFaults) {
      // The local stack runs this request 15 minutes behind: as if this device's clock were 15 minutes ahead.
      // (Ahead, not behind: the server's later clock would also put the 2-minute local credentials past their expiry.)
      const skewed = new AwsClient({ credentials: await currentCredentials(), ...signingFor('function'), retries: 0, fetch: wireFetch })
      return perform({
        title: `GET ${url} with this device's clock 15 minutes ahead of the server's (x-iamfetch-fault: clock=-900)`,
        expect: 'clock-skew',
        send: async () => ({
          response: await skewed.fetch(url, { headers: { 'x-iamfetch-fault': 'clock=-900' } }),
          recoveryNote: () => `AWS refused the first attempt; iamfetch then read the server's time from the Date header, signed again and the call went through. The client keeps the offset for later calls: clockOffsetMs = ${Math.round(skewed.clockOffsetMs / 1000)} s.`,
        }),
      })
    }
    // AWS's clock cannot be moved: sign with a time 15 minutes in the past instead. A pinned datetime is not corrected.
    return perform({
      title: `GET ${url} signed with a time 15 minutes in the past`,
      expect: 'clock-skew',
      send: async () => ({ response: await client.fetch(url, { aws: { ...signingFor('function'), datetime: Date.now() - 15 * 60_000 } }) }),
    })
  },

  'missing-body-hash': async () => {
    const url = urlFor('cloudfront', '/mistake/missing-body-hash')
    const body = JSON.stringify({ mistake: 'no body hash' })
    return perform({
      title: `POST ${url} through CloudFront OAC without x-amz-content-sha256`,
      expect: 'missing-body-hash',
      body,
      send: async () => {
        // Prepared as oacFetch would, then the hash taken out: what a plain fetch() sends.
        const signedRequest = await oacClient.sign(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        signedRequest.headers.delete('x-amz-content-sha256')
        return { response: await wireFetch(signedRequest), signedRequest, oac: true }
      },
    })
  },

  'expired-credentials': async () => {
    const url = urlFor('function', '/mistake/expired-credentials')
    if (stackFaults) {
      const credentials = await currentCredentials()
      // Past the credentials' expiry by a minute: the stack's clock for this request, and the signing time, both move there.
      const shiftSeconds = Math.ceil((timing.expiresAt - Date.now()) / 1000) + 60
      const late = new AwsClient({ credentials, ...signingFor('function'), retries: 0, fetch: wireFetch })
      return perform({
        title: `GET ${url} signed ${formatDuration(shiftSeconds * 1000)} from now, a minute after the credentials expire (x-iamfetch-fault: clock=+${shiftSeconds})`,
        expect: 'expired-credentials',
        send: async () => ({
          response: await late.fetch(url, { headers: { 'x-iamfetch-fault': `clock=+${shiftSeconds}` }, aws: { datetime: Date.now() + shiftSeconds * 1000 } }),
        }),
      })
    }
    const expired = [...credentialsByKey.values()].find((set) => set.expiration && set.expiration.getTime() < Date.now())
    if (!expired) {
      const first = Math.min(...[...credentialsByKey.values()].map((set) => set.expiration?.getTime() ?? Infinity))
      log(`No credential set has expired yet: the first one the page received expires at ${Number.isFinite(first) ? new Date(first).toLocaleTimeString([], { hour12: false }) : 'an unknown time'}. Try again then.`, 'bad')
      return undefined
    }
    const stale = new AwsClient({ credentials: { accessKeyId: expired.accessKeyId, secretAccessKey: expired.secretAccessKey, sessionToken: expired.sessionToken }, ...signingFor('function'), retries: 0, fetch: wireFetch })
    return perform({
      title: `GET ${url} with credentials that expired at ${expired.expiration.toLocaleTimeString([], { hour12: false })}`,
      expect: 'expired-credentials',
      send: async () => ({ response: await stale.fetch(url) }),
    })
  },

  'cors-or-network': async () => {
    const url = urlFor('function', '/mistake/cors')
    const strict = new AwsClient({ credentials: await currentCredentials(), ...signingFor('function'), retries: 0, fetch: wireFetch })
    return perform({
      title: `GET ${url} with x-amz-meta-note, a header the function URL's CORS AllowHeaders does not list`,
      expect: 'cors-or-network',
      send: async () => ({ response: await strict.fetch(url, { headers: { 'x-amz-meta-note': 'not allowed by CORS' } }) }),
    })
  },
}

export async function runMistake(event) {
  const button = event.target.closest('button[data-mistake]')
  if (!button) return
  try {
    await ensureSession()
    await MISTAKES[button.dataset.mistake]()
  } catch (error) {
    log(`${button.textContent}: ${describeError(error)}`, 'bad')
  }
}
