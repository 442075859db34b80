// Reads the signing service and region from an AWS host name, so that a call
// to an AWS endpoint needs neither option. In JS, not in the core: every byte
// of the default wasm is downloaded by every user.

/** Endpoint prefixes whose signing name differs from the prefix (as aws4fetch maps them). */
const SIGNING_NAME_OVERRIDES = new Map([
  ['appstream2', 'appstream'],
  ['cloudhsmv2', 'cloudhsm'],
  ['email', 'ses'],
  ['marketplace', 'aws-marketplace'],
  ['mobile', 'AWSMobileHubService'],
  ['pinpoint', 'mobiletargeting'],
  ['queue', 'sqs'],
  ['git-codecommit', 'codecommit'],
  ['mturk-requester-sandbox', 'mturk-requester'],
  ['personalize-runtime', 'personalize'],
])

/** Services whose endpoint has no region and that sign for us-east-1. */
const GLOBAL_SERVICES = new Set(['iam', 'sts', 'cloudfront', 'route53', 'organizations', 's3'])

/** Region names look like us-east-1, us-gov-west-1, cn-north-1: letters, dashes, and a trailing number. */
const REGION = /^[a-z]+(?:-[a-z]+)+-[0-9]+$/

/** The last host looked up, and its answer: a client signs for one host, call after call. */
let lastHost
let lastEndpoint

/**
 * The service and region an AWS host name signs for (a port, if any, is
 * ignored), or undefined for hosts that are not AWS endpoints, such as
 * CloudFront distributions and custom domains: those need an explicit
 * service and region.
 * @param {string} host
 * @returns {{ service: string, region: string } | undefined}
 */
export function detectEndpoint(host) {
  if (host !== lastHost) {
    lastEndpoint = typeof host === 'string' ? detect(host) : undefined
    lastHost = host
  }
  return lastEndpoint
}

function detect(host) {
  const colon = host.lastIndexOf(':')
  if (colon !== -1 && /^[0-9]*$/.test(host.slice(colon + 1))) host = host.slice(0, colon)
  let end = host.length
  while (end > 0 && host[end - 1] === '.') end--
  // ASCII only, as DNS compares names: a URL's host is already ASCII (punycode).
  host = host.slice(0, end).replace(/[A-Z]+/g, (upper) => upper.toLowerCase())
  if (host.endsWith('.on.aws')) return lambdaUrl(host.slice(0, -'.on.aws'.length).split('.'))
  const rest = host.endsWith('.amazonaws.com') ? host.slice(0, -'.amazonaws.com'.length)
    : host.endsWith('.amazonaws.com.cn') ? host.slice(0, -'.amazonaws.com.cn'.length)
      : undefined
  if (rest === undefined) return undefined
  const labels = rest.split('.')
  const s3At = labels.findIndex(isS3Label)
  return s3At === -1 ? service(labels) : s3(labels.slice(s3At))
}

/** `<url-id>.lambda-url.<region>.on.aws` */
function lambdaUrl(labels) {
  return labels.length === 3 && labels[1] === 'lambda-url' && REGION.test(labels[2]) ? endpoint('lambda', labels[2]) : undefined
}

/**
 * `<svc>[-fips][.dualstack].<region>` or a global `<svc>`, possibly after
 * resource labels such as an API id (`<id>.execute-api.<region>`).
 */
function service(labels) {
  let regionAt = labels.length - 1
  while (regionAt >= 0 && !REGION.test(labels[regionAt])) regionAt--
  const regional = regionAt !== -1
  if (!regional) regionAt = labels.length
  const beforeRegion = labels.slice(0, regionAt).filter((label) => label !== 'dualstack')
  if (beforeRegion.length === 0) return undefined
  let prefix = beforeRegion[beforeRegion.length - 1]
  while (prefix.endsWith('-fips')) prefix = prefix.slice(0, -'-fips'.length)
  if (!regional && !GLOBAL_SERVICES.has(prefix)) return undefined
  return endpoint(SIGNING_NAME_OVERRIDES.get(prefix) ?? prefix, regional ? labels[regionAt] : 'us-east-1')
}

function isS3Label(label) {
  return label === 's3' || label.startsWith('s3-fips') || label.startsWith('s3-accesspoint') || label === 's3-external-1' || dashedRegion(label) !== undefined
}

/** The region of the legacy dash form, `s3-<region>`. */
function dashedRegion(label) {
  return label.startsWith('s3-') && REGION.test(label.slice(3)) ? label.slice(3) : undefined
}

/**
 * Path style (`s3.<region>`), virtual-host style (`<bucket>.s3.<region>`),
 * the legacy dash form (`s3-<region>`), FIPS and dualstack.
 */
function s3(labels) {
  for (const label of labels) {
    const region = REGION.test(label) ? label : dashedRegion(label)
    if (region !== undefined) return endpoint('s3', region)
  }
  return endpoint('s3', 'us-east-1')
}

/** Frozen: the cached answer is handed to every caller. */
function endpoint(service, region) {
  return Object.freeze({ service, region })
}
