// Role trust policies, reduced to what the stack needs: which IAM principals
// may AssumeRole, and which web identities (provider + audience + amr) may
// assume it through Cognito or AssumeRoleWithWebIdentity.

export function trustAllowsPrincipal(role, principal) {
  const arn = principal.roleArn ?? principal.arn;
  return role.trust.principals.some((p) =>
    p === '*' || p === arn || p === principal.accountId || p === `arn:aws:iam::${principal.accountId}:root`);
}

/** `provider` is the issuer without https://, as in IAM's Federated principal. */
export function trustAllowsWebIdentity(role, { provider, aud, amr }) {
  return role.trust.federated.some((f) =>
    f.provider === provider
    && (!f.audiences || f.audiences.includes(aud))
    && (!f.amr || (amr ?? []).includes(f.amr)));
}
