/**
 * iamfetch local AWS stack — programmatic API.
 *
 *   import { startStack } from '<repo>/stack/src/index.mjs';
 *   const stack = await startStack();            // default config, ephemeral ports
 *   ...
 *   await stack.stop();
 *
 * startStack(options?)
 *   options.config    undefined: stack/config/default.json
 *                     string | URL: path of a JSON config file
 *                     object: a complete raw config (same shape as default.json)
 *                     function: (defaultConfig) => config, to tweak the default
 *                       (e.g. cfg => { cfg.identityPools[0].credentialsLifetimeSeconds = 5; return cfg; })
 *   options.portBase  number: endpoints on portBase + fixed offsets (see ENDPOINT_ORDER);
 *                     omitted: every port ephemeral (0), unless options.ports names it
 *   options.ports     { [endpointName]: port } overrides, e.g. { sts: 9102 }
 *   options.log       (line: string) => void, one line per request; default: silent
 *
 * The returned stack:
 *   stack.endpoints   base URLs, http://127.0.0.1:PORT
 *                     { functionUrl,            the first function (echo in the default config)
 *                       functionUrls: { echo, stream, slow },
 *                       cloudfront, apiRest, apiHttp, cognitoIdentity, cognitoIdp, sts, s3,
 *                       containerCredentials, imds,   (host-credentials.mjs: ECS/EKS Pod Identity, IMDSv2)
 *                       mrap }
 *                     apiRest URLs include no stage: call `${apiRest}/${ids.restApiStage}/echo`.
 *                     s3 is path style: `${s3}/${ids.s3Buckets[0]}/<key>` (see s3.mjs); it takes
 *                     SigV4 and SigV4a (AWS4-ECDSA-P256-SHA256), as S3's regional endpoints do.
 *                     PUT bodies are read as streams, any size: hex x-amz-content-sha256,
 *                     UNSIGNED-PAYLOAD, and aws-chunked (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER],
 *                     STREAMING-UNSIGNED-PAYLOAD-TRAILER) with every chunk and trailer signature
 *                     checked (s3-chunked.mjs); x-amz-checksum-* and Content-MD5 checked
 *                     (s3-checksums.mjs); DeleteObjects as `POST ${s3}/<bucket>?delete`
 *                     (s3-delete.mjs); browser form uploads as `POST ${s3}/<bucket>` against a
 *                     POST policy (s3-post.mjs). CORS for s3 is the config's plus S3's integrity
 *                     request headers and the ETag, Location and checksum answers.
 *                     mrap is an S3 Multi-Region Access Point in front of ids.s3Buckets[0], same
 *                     objects: `${mrap}/<key>`, no bucket in the path (in AWS the alias is the
 *                     host). SigV4a only, service s3; the region set must name the config
 *                     region or be '*'. SigV4 there is refused as S3 does (see s3.mjs).
 *   stack.signing     what to sign with, per endpoint key above: { service, region }, or null
 *                     for unsigned endpoints (cloudfront, cognitoIdentity, cognitoIdp); for
 *                     mrap, region is the SigV4a region set, '*'.
 *                     The host is 127.0.0.1:PORT, so clients must pass service and region
 *                     explicitly; the verifier signs over the Host header as received.
 *   stack.ids         { accountId, region, identityPoolId, guestlessIdentityPoolId, userPoolId,
 *                       userPoolClientId, userPoolIssuer, users: [{ username, password }],
 *                       roles: { name: arn }, iamUsers: { name: { accessKeyId, secretAccessKey } },
 *                       distributionId, distributionArn, restApiId, restApiStage, httpApiId,
 *                       functionUrlIds: { name: urlId }, s3Buckets }
 *   stack.endpointNames  names for faults: cognitoIdentity, cognitoIdp, sts, cloudfront,
 *                     apiRest, apiHttp, function:<name>, s3, containerCredentials, imds, mrap
 *   stack.setFault(endpointName | '*', spec, { times }?)  spec as in faults.mjs:
 *                     'throttle' | '500' | '503' | 'slow=MS' | 'drop' | 'clock=+S', comma-separated
 *   stack.clearFaults(endpointName?)
 *   stack.setClockOffset(seconds)  shifts the whole stack's clock (Date headers, skew checks,
 *                     token and credential expiry)
 *   stack.s3Object(bucket, key)  what the S3 endpoint stored, without the bytes:
 *                     { size, etag, contentType, checksum?: { algorithm, value }, storage }
 *                     storage: 'memory' (up to 8 MiB), 'file' (a temporary file, up to
 *                     config.s3.storeLimitBytes, default 128 MiB), 'metadata' (beyond: the
 *                     bytes were checked and dropped). undefined when there is none.
 *                     Over HTTP: HEAD with x-amz-checksum-mode: ENABLED gives the same.
 *   stack.config      the normalized config
 *   await stack.stop()
 *
 * referenceSign(url, opts) -> { url, init } for fetch: an independent SigV4 signer (the AWS
 * SDK's) for tests that need a known-good signature; see reference-signer.mjs.
 * referenceSignV4a(url, opts) the same for SigV4a (@smithy/signature-v4a); opts.region is
 * the region set.
 *
 * deriveSigV4aPublicKey({ accessKeyId, secretAccessKey }) -> { x, y } (hex) and
 * verifySigV4aSignature(credentials, stringToSign, signatureHex) -> boolean: the stack's
 * own SigV4a key derivation and ECDSA check (node:crypto only; see sigv4a-verify.mjs).
 *
 * AwsChunkedDecoder, deriveSigningKey, chunkStringToSign, trailerStringToSign: the stack's own
 * aws-chunked verifier (node:crypto only; see s3-chunked.mjs), to check a body offline:
 *   const decoder = new AwsChunkedDecoder({ signing: { signingKey: deriveSigningKey(secret, date,
 *     region, 's3'), amzDate, scope, seedSignature }, trailer, decodedLength, onData });
 *   decoder.write(bytes) ...; decoder.end() -> { trailers, decodedLength }; each throws an
 *   error with S3's status, code (SignatureDoesNotMatch, InvalidChunkSizeError, IncompleteBody,
 *   MalformedTrailerError) and fields.
 *
 * The same faults work per request with the header `x-iamfetch-fault: <spec>`, and per
 * endpoint over HTTP at /__admin/faults and /__admin/clock on any port (see server.mjs).
 */
import { apiGatewayEndpoint } from './apigw.mjs';
import { cloudfrontEndpoint } from './cloudfront.mjs';
import { cognitoIdentityEndpoint } from './cognito-identity.mjs';
import { cognitoIdpEndpoint } from './cognito-idp.mjs';
import { normalizeConfig, readConfigFile } from './config.mjs';
import { CredentialsStore } from './credentials-store.mjs';
import { Faults } from './faults.mjs';
import { functionUrlEndpoint } from './lambda-url.mjs';
import { containerCredentialsEndpoint, instanceMetadataEndpoint } from './host-credentials.mjs';
import { s3Endpoints } from './s3.mjs';
import { startEndpoint } from './server.mjs';
import { stsEndpoint } from './sts.mjs';

export { referenceSign, referenceSignV4a } from './reference-signer.mjs';
export { deriveSigV4aPublicKey, verifySigV4aSignature } from './sigv4a-verify.mjs';
export { AwsChunkedDecoder, deriveSigningKey, chunkStringToSign, trailerStringToSign } from './s3-chunked.mjs';

/** Offsets from portBase; functions follow in config order. */
export const ENDPOINT_ORDER = ['cognitoIdentity', 'cognitoIdp', 'sts', 'cloudfront', 'apiRest', 'apiHttp'];

async function loadConfig(config) {
  if (config === undefined) return readConfigFile();
  if (typeof config === 'string' || config instanceof URL) return readConfigFile(config);
  if (typeof config === 'function') return config(await readConfigFile());
  return structuredClone(config);
}

export async function startStack({ config: configOption, portBase, ports = {}, log } = {}) {
  const config = normalizeConfig(await loadConfig(configOption));
  const store = new CredentialsStore(config.accountId, config.iamUsers);
  const faults = new Faults();
  // s3, the host credential endpoints and mrap after the functions, in the order they were
  // added, so that every port stays where it was.
  const order = [...ENDPOINT_ORDER, ...config.functions.map((f) => `function:${f.name}`), 's3', 'containerCredentials', 'imds', 'mrap'];
  const portFor = (name) => ports[name] ?? (portBase === undefined ? 0 : portBase + order.indexOf(name));

  const started = new Map(); // name -> { url, stop, signing, extraStop }
  let s3Objects;
  async function start(endpoint) {
    const server = await startEndpoint({ ...endpoint, port: portFor(endpoint.name), faults, log });
    started.set(endpoint.name, { ...server, signing: endpoint.signing, stopExtra: endpoint.stop });
    return server;
  }

  try {
    const idp = cognitoIdpEndpoint(config);
    await start(idp);
    const identity = cognitoIdentityEndpoint(config, store, idp.issuers);
    await start(identity);
    await start(stsEndpoint(config, store, new Map([...idp.issuers, ...identity.issuers])));
    for (const fn of config.functions) await start(functionUrlEndpoint(fn, config, store));
    if (config.distribution) {
      const origin = started.get(`function:${config.distribution.origin}`);
      if (!origin) throw new Error(`distribution origin '${config.distribution.origin}' is not a configured function`);
      await start(cloudfrontEndpoint(config.distribution, config, store, origin));
    }
    if (config.restApi) await start(apiGatewayEndpoint('rest', config.restApi, config, store));
    if (config.httpApi) await start(apiGatewayEndpoint('http', config.httpApi, config, store));
    if (config.s3) {
      for (const endpoint of s3Endpoints(config.s3, config, store)) {
        await start(endpoint);
        s3Objects ??= endpoint.objects;
      }
    }
    if (config.containerCredentials) await start(containerCredentialsEndpoint(config.containerCredentials, config, store));
    if (config.instanceMetadata) await start(instanceMetadataEndpoint(config.instanceMetadata, config, store));
  } catch (err) {
    await Promise.all([...started.values()].map((s) => s.stop()));
    throw err;
  }

  const urlOf = (name) => started.get(name)?.url;
  const signingOf = (name) => started.get(name)?.signing ?? null;
  const functionNames = config.functions.map((f) => f.name);
  const mainFunction = `function:${functionNames[0]}`;
  const keys = ['cloudfront', 'apiRest', 'apiHttp', 'cognitoIdentity', 'cognitoIdp', 'sts', 's3', 'containerCredentials', 'imds', 'mrap'];

  const endpoints = {
    functionUrl: urlOf(mainFunction),
    functionUrls: Object.fromEntries(functionNames.map((n) => [n, urlOf(`function:${n}`)])),
    ...Object.fromEntries(keys.map((k) => [k, urlOf(k)])),
  };
  const signing = {
    functionUrl: signingOf(mainFunction),
    functionUrls: Object.fromEntries(functionNames.map((n) => [n, signingOf(`function:${n}`)])),
    ...Object.fromEntries(keys.map((k) => [k, signingOf(k)])),
  };
  const userPool = config.userPools[0];
  const ids = {
    accountId: config.accountId,
    region: config.region,
    identityPoolId: config.identityPools.find((p) => p.allowUnauthenticated)?.id ?? config.identityPools[0]?.id,
    guestlessIdentityPoolId: config.identityPools.find((p) => !p.allowUnauthenticated)?.id,
    userPoolId: userPool?.id,
    userPoolClientId: userPool?.clients[0]?.id,
    userPoolIssuer: userPool?.issuer,
    users: userPool?.users.map(({ username, password }) => ({ username, password })) ?? [],
    roles: Object.fromEntries(config.roles.map((r) => [r.name, r.arn])),
    iamUsers: Object.fromEntries(config.iamUsers.map((u) => [u.name, { accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey }])),
    distributionId: config.distribution?.id,
    distributionArn: config.distribution?.arn,
    restApiId: config.restApi?.id,
    restApiStage: config.restApi?.stage,
    httpApiId: config.httpApi?.id,
    functionUrlIds: Object.fromEntries(config.functions.map((f) => [f.name, f.urlId])),
    s3Buckets: config.s3?.buckets ?? [],
    containerCredentialsPath: config.containerCredentials?.path ?? '/v1/credentials',
    containerAuthorizationTokens: config.containerCredentials?.authorizationTokens ?? [],
    hostRole: config.containerCredentials?.role ?? config.instanceMetadata?.role,
  };

  let stopping;
  return {
    endpoints,
    signing,
    ids,
    config,
    endpointNames: [...started.keys()],
    setFault: (endpoint, spec, { times } = {}) => faults.set(endpoint, spec, times),
    clearFaults: (endpoint) => faults.clear(endpoint),
    setClockOffset: (seconds) => faults.setClockOffset(seconds),
    s3Object(bucket, key) {
      const object = s3Objects?.get(bucket, key);
      if (!object) return undefined;
      const { size, etag, contentType, checksum, storage } = object;
      return { size, etag, contentType, checksum, storage };
    },
    stop() {
      stopping ??= Promise.all([...started.values()].map(async (s) => {
        await s.stop();
        s.stopExtra?.();
      }));
      return stopping;
    },
  };
}
