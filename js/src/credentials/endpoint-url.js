// Configured URLs of the credential providers (STS, Cognito, the container
// endpoint, IMDS). fetch refuses a URL with a user name or password, and its
// error quotes the URL: such a URL is refused up front, without quoting it.

import { IamFetchError } from '../errors.js'

/**
 * @param {string | URL} value
 * @param {string} name what the URL is, for the message
 * @returns {URL}
 * @throws {IamFetchError} ERR_INVALID_OPTIONS for no URL, or one with userinfo
 */
export function checkEndpointUrl(value, name) {
  let url
  try {
    url = new URL(String(value))
  } catch {
    throw new IamFetchError('ERR_INVALID_OPTIONS', `${name} is not a URL`)
  }
  if (url.username || url.password) {
    throw new IamFetchError('ERR_INVALID_OPTIONS', `${name} carries a user name or password (user:password@): not allowed, as fetch refuses it and it would be printed`)
  }
  return url
}
