// js/src/endpoint.js: the service and region an AWS host name signs for, and
// how a signature takes them when they are not given.
import { test } from 'node:test'
import assert from 'node:assert/strict'

const { detectEndpoint } = await import(new URL('../../js/dist/endpoint.js', import.meta.url).href)
const { AwsV4Signer, IamFetchError } = await import(new URL('../../js/dist/index.node.js', import.meta.url).href)

const detected = (host) => {
  const endpoint = detectEndpoint(host)
  return endpoint && [endpoint.service, endpoint.region]
}

test('Lambda function URLs', () => {
  assert.deepEqual(detected('abcdefghij1234567890abcdefghijkl.lambda-url.eu-west-1.on.aws'), ['lambda', 'eu-west-1'])
  assert.equal(detected('x.lambda-url.not-a-region.on.aws'), undefined)
  assert.equal(detected('other.eu-west-1.on.aws'), undefined)
})

test('API Gateway', () => {
  assert.deepEqual(detected('a1b2c3d4e5.execute-api.ap-southeast-2.amazonaws.com'), ['execute-api', 'ap-southeast-2'])
  assert.deepEqual(detected('a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn'), ['execute-api', 'cn-north-1'])
})

test('regional, global, FIPS and dualstack services', () => {
  assert.deepEqual(detected('dynamodb.us-west-2.amazonaws.com'), ['dynamodb', 'us-west-2'])
  assert.deepEqual(detected('sts.amazonaws.com'), ['sts', 'us-east-1'])
  assert.deepEqual(detected('sts.eu-central-1.amazonaws.com:443'), ['sts', 'eu-central-1'])
  assert.deepEqual(detected('sqs-fips.us-gov-west-1.amazonaws.com'), ['sqs', 'us-gov-west-1'])
  assert.deepEqual(detected('ec2.dualstack.eu-west-3.amazonaws.com'), ['ec2', 'eu-west-3'])
  assert.deepEqual(detected('email.us-east-1.amazonaws.com'), ['ses', 'us-east-1'])
  assert.deepEqual(detected('cognito-identity.us-east-2.amazonaws.com'), ['cognito-identity', 'us-east-2'])
  assert.deepEqual(detected('LAMBDA.US-EAST-2.AMAZONAWS.COM'), ['lambda', 'us-east-2'])
})

test('S3 styles', () => {
  assert.deepEqual(detected('s3.amazonaws.com'), ['s3', 'us-east-1'])
  assert.deepEqual(detected('bucket.s3.amazonaws.com'), ['s3', 'us-east-1'])
  assert.deepEqual(detected('s3.eu-west-1.amazonaws.com'), ['s3', 'eu-west-1'])
  assert.deepEqual(detected('my.dotted.bucket.s3.eu-west-1.amazonaws.com'), ['s3', 'eu-west-1'])
  assert.deepEqual(detected('s3-eu-west-1.amazonaws.com'), ['s3', 'eu-west-1'])
  assert.deepEqual(detected('bucket.s3-fips.us-east-2.amazonaws.com'), ['s3', 'us-east-2'])
  assert.deepEqual(detected('bucket.s3.dualstack.ap-south-1.amazonaws.com'), ['s3', 'ap-south-1'])
  assert.deepEqual(detected('ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com'), ['s3', 'us-west-2'])
  assert.deepEqual(detected('bucket.s3.cn-north-1.amazonaws.com.cn'), ['s3', 'cn-north-1'])
})

test('non-AWS hosts are not guessed', () => {
  for (const host of ['d111111abcdef8.cloudfront.net', 'api.example.com', '127.0.0.1:9000', 'amazonaws.com', 'foo.amazonaws.com', '']) {
    assert.equal(detected(host), undefined, host)
  }
})

test('a port, trailing dots and ASCII case do not matter; other characters are kept as they are', () => {
  assert.deepEqual(detected('Dynamodb.US-West-2.AmazonAWS.com.:8443'), ['dynamodb', 'us-west-2'])
  assert.deepEqual(detected('sts.amazonaws.com..'), ['sts', 'us-east-1'])
  assert.deepEqual(detected('sts.amazonaws.com:'), ['sts', 'us-east-1'])
  assert.equal(detected('sts.amazonaws.com:44a'), undefined)
  // U+212A KELVIN SIGN lowercases to k outside ASCII: a name DNS would not match is not read as kafka.
  assert.deepEqual(detected('\u212Aafka.us-east-1.amazonaws.com'), ['\u212Aafka', 'us-east-1'])
  // Names inherited by every object are not signing-name overrides.
  assert.deepEqual(detected('constructor.us-east-1.amazonaws.com'), ['constructor', 'us-east-1'])
  assert.equal(detected('__proto__.amazonaws.com'), undefined)
})

test('bad input gives undefined, never a throw', () => {
  for (const host of [undefined, null, 42, {}, [], Symbol('host'), new String('sts.amazonaws.com')]) {
    assert.equal(detectEndpoint(host), undefined, String(host?.toString?.() ?? host))
  }
  const long = 'a'.repeat(2_000_000)
  assert.deepEqual(detected(`${long}.execute-api.us-east-1.amazonaws.com`), ['execute-api', 'us-east-1'])
  assert.equal(detected(`${'.'.repeat(2_000_000)}x`), undefined)
  assert.equal(detected(`${'s3-'.repeat(700_000)}.amazonaws.com`), undefined)
  assert.deepEqual(detected(`sqs${'-fips'.repeat(400_000)}.us-east-1.amazonaws.com`), ['sqs', 'us-east-1'])
  assert.equal(detected(`${'a-'.repeat(1_000_000)}1.amazonaws.com`), undefined)
})

test('the last answer is kept, and cannot be changed by a caller', () => {
  const first = detectEndpoint('dynamodb.eu-north-1.amazonaws.com')
  assert.equal(detectEndpoint('dynamodb.eu-north-1.amazonaws.com'), first)
  assert.throws(() => { first.region = 'us-east-1' }, TypeError)
  assert.deepEqual(detected('sts.amazonaws.com'), ['sts', 'us-east-1'])
  assert.deepEqual(detected('dynamodb.eu-north-1.amazonaws.com'), ['dynamodb', 'eu-north-1'])
})

const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'local-only/endpoint-test-secret-9c1d', datetime: '20250102T030405Z' }

async function scope(url, options = {}) {
  const { headers } = await new AwsV4Signer({ ...KEYS, url, method: 'GET', ...options }).sign()
  return /Credential=AKIDEXAMPLE\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(headers.get('authorization')).slice(1)
}

test('a signature takes a given service and region, else the host\'s; an empty one counts as not given', async () => {
  const url = 'https://abc.lambda-url.eu-west-1.on.aws/x'
  assert.deepEqual(await scope(url), ['eu-west-1', 'lambda'])
  assert.deepEqual(await scope(url, { service: 'execute-api' }), ['eu-west-1', 'execute-api'])
  assert.deepEqual(await scope(url, { region: 'us-east-2' }), ['us-east-2', 'lambda'])
  assert.deepEqual(await scope(url, { service: '', region: '' }), ['eu-west-1', 'lambda'])
  assert.deepEqual(await scope('https://example.com/', { service: 'lambda', region: 'us-east-1' }), ['us-east-1', 'lambda'])
})

test('a host that names neither is refused with the code of what is missing, quoting the host', async () => {
  await assert.rejects(scope('https://api.example.com/'), (error) => error instanceof IamFetchError && error.code === 'ERR_MISSING_SERVICE' && error.message.includes("'api.example.com'"))
  await assert.rejects(scope('https://api.example.com/', { service: 'lambda' }), (error) => error instanceof IamFetchError && error.code === 'ERR_MISSING_REGION' && error.message.includes("'api.example.com'"))
  await assert.rejects(scope('https://api.example.com/', { service: 'lambda', region: '' }), (error) => error.code === 'ERR_MISSING_REGION')
})
