// Every credential the stack accepts: the static IAM-user keys from the config
// and the temporary ones it issued (Cognito, STS, CloudFront's OAC). Verifying
// a signature needs the secret, and verifying a session token needs to know
// which token was issued with which key, so both live here, in memory only.
import { randomBytes } from 'node:crypto';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomKeyId(prefix) {
  const bytes = randomBytes(16);
  let id = prefix;
  for (const b of bytes) id += KEY_ALPHABET[b % KEY_ALPHABET.length];
  return id;
}

/**
 * A principal says who signed: it feeds resource policies, trust policies and
 * the `authorizer.iam` block of Lambda events.
 *   { kind: 'user', accountId, arn, userId, name }
 *   { kind: 'assumed-role', accountId, arn, userId, roleArn, roleName, sessionName, cognitoIdentity? }
 *   { kind: 'service', accountId, service, arn: null, userId }
 */
function userPrincipal(accountId, user) {
  return { kind: 'user', accountId, arn: `arn:aws:iam::${accountId}:user/${user.name}`, userId: user.userId, name: user.name };
}

export function assumedRolePrincipal(role, sessionName, extra = {}) {
  return {
    kind: 'assumed-role',
    accountId: role.accountId,
    arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`,
    userId: `${role.roleId}:${sessionName}`,
    roleArn: role.arn,
    roleName: role.name,
    sessionName,
    ...extra,
  };
}

export class CredentialsStore {
  #byAccessKey = new Map();

  constructor(accountId, iamUsers) {
    for (const user of iamUsers) {
      this.#byAccessKey.set(user.accessKeyId, {
        secretAccessKey: user.secretAccessKey,
        principal: userPrincipal(accountId, user),
      });
    }
  }

  /** @returns {{secretAccessKey, sessionToken?, expiresAt?, principal} | undefined} */
  lookup(accessKeyId) {
    return this.#byAccessKey.get(accessKeyId);
  }

  /** Issues temporary credentials (ASIA…) for a principal, valid until expiresAt (ms). */
  issue(principal, expiresAt) {
    const accessKeyId = randomKeyId('ASIA');
    const credentials = {
      accessKeyId,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(180).toString('base64'),
      expiresAt,
    };
    this.#byAccessKey.set(accessKeyId, { ...credentials, principal });
    return credentials;
  }
}
