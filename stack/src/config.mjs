// Loads a stack config and fills in what AWS would derive (ARNs, role and user
// ids, issuers), so the endpoint modules work from one complete shape.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

const DEFAULT_CONFIG_URL = new URL('../config/default.json', import.meta.url);

export async function readConfigFile(pathOrUrl = DEFAULT_CONFIG_URL) {
  return JSON.parse(await readFile(pathOrUrl, 'utf8'));
}

/** Stable AWS-looking unique ids (AIDA…, AROA…) derived from a name. */
function uniqueId(prefix, name) {
  return prefix + createHash('sha256').update(name).digest('hex').slice(0, 17).toUpperCase();
}

const regionOf = (poolId) => poolId.split(/[_:]/)[0];

export function normalizeConfig(raw) {
  const accountId = raw.accountId ?? '123456789012';
  const region = raw.region ?? 'us-east-1';
  const cors = raw.cors ?? null;

  const roles = (raw.roles ?? []).map((role) => ({
    maxSessionDuration: 3600,
    ...role,
    accountId,
    arn: `arn:aws:iam::${accountId}:role/${role.name}`,
    roleId: role.roleId ?? uniqueId('AROA', role.name),
    trust: { principals: role.trust?.principals ?? [], federated: role.trust?.federated ?? [] },
  }));

  const userPools = (raw.userPools ?? []).map((pool) => ({
    ...pool,
    region: regionOf(pool.id),
    issuer: `https://cognito-idp.${regionOf(pool.id)}.amazonaws.com/${pool.id}`,
    clients: pool.clients.map((c) => ({ idTokenValiditySeconds: 3600, accessTokenValiditySeconds: 3600, ...c })),
    users: pool.users.map((u) => ({ sub: u.sub ?? uniqueId('', `${pool.id}/${u.username}`).toLowerCase(), ...u })),
  }));

  const identityPools = (raw.identityPools ?? []).map((pool) => ({
    allowUnauthenticated: false,
    allowClassicFlow: false,
    credentialsLifetimeSeconds: 3600,
    ...pool,
    // Logins keys are the provider names AWS uses, e.g. cognito-idp.us-east-1.amazonaws.com/us-east-1_abc
    providers: (pool.providers ?? []).map((p) => ({
      ...p,
      name: `cognito-idp.${regionOf(p.userPoolId)}.amazonaws.com/${p.userPoolId}`,
    })),
  }));

  const distribution = raw.distribution && {
    signingBehavior: 'always',
    ...raw.distribution,
    accountId,
    arn: `arn:aws:cloudfront::${accountId}:distribution/${raw.distribution.id}`,
  };

  return {
    accountId,
    region,
    portBase: raw.portBase,
    iamUsers: (raw.iamUsers ?? []).map((u) => ({ userId: uniqueId('AIDA', u.name), ...u })),
    roles,
    userPools,
    identityPools,
    functions: (raw.functions ?? []).map((f) => ({
      invokeMode: 'BUFFERED',
      urlId: createHash('sha256').update(f.name).digest('hex').slice(0, 32),
      cors,
      resourcePolicy: [],
      ...f,
    })),
    distribution,
    restApi: raw.restApi && { cors, invokers: [], ...raw.restApi },
    httpApi: raw.httpApi && { cors, invokers: [], ...raw.httpApi },
    s3: raw.s3 && { cors, buckets: [], invokers: [], ...raw.s3 },
    containerCredentials: raw.containerCredentials && { authorizationTokens: [], ...raw.containerCredentials },
    instanceMetadata: raw.instanceMetadata && { ...raw.instanceMetadata },
  };
}

/** A role named by name or ARN. */
export function findRole(config, ref) {
  return config.roles.find((r) => r.name === ref || r.arn === ref);
}
