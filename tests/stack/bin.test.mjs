// The one-command stack: starts, prints a ready line, logs one line per
// request without secrets, and stops cleanly on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sign } from './helpers.mjs';

const BIN = fileURLToPath(new URL('../../stack/bin/iamfetch-stack.mjs', import.meta.url));

test('the bin starts, serves, logs, and exits 0 on SIGTERM', { timeout: 30_000 }, async (t) => {
  const child = spawn(process.execPath, [BIN, '--port-base', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // A failed assertion must not leave the stack running (the runner would wait for it).
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const lines = [];
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const reader = createInterface({ input: child.stdout });
  const iterator = reader[Symbol.asyncIterator]();
  const first = await iterator.next();
  const ready = JSON.parse(first.value);
  assert.equal(ready.ready, true);
  for (const key of ['functionUrl', 'cloudfront', 'apiRest', 'apiHttp', 'cognitoIdentity', 'cognitoIdp', 'sts']) {
    assert.match(ready.endpoints[key], /^http:\/\/127\.0\.0\.1:\d+$/, key);
  }
  assert.deepEqual(ready.signing.functionUrl, { service: 'lambda', region: 'us-east-1' });
  assert.equal(ready.ids.iamUsers, undefined, 'the ready line carries no keys');

  const credentials = { accessKeyId: 'AKIAIAMFETCHTESTUSER', secretAccessKey: 'local-only/test-user/not-a-real-aws-secret' };
  const presigned = await sign(`${ready.endpoints.functionUrl}/logged?token=visible-only-in-query`, { ...ready.signing.functionUrl, credentials, presign: true });
  const res = await fetch(presigned.url, presigned.init);
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  const denied = await fetch(`${ready.endpoints.functionUrl}/denied`);
  await denied.arrayBuffer();

  const seen = [];
  while (seen.length < 2) seen.push((await iterator.next()).value);
  assert.match(seen.find((l) => l.includes('/logged')), /^\S+Z GET function:echo \/logged 200 - \d+ms$/);
  assert.match(seen.find((l) => l.includes('/denied')), /^\S+Z GET function:echo \/denied 403 AccessDeniedException \d+ms$/);
  lines.push(first.value, ...seen);
  for (const line of lines) {
    assert.doesNotMatch(line, /not-a-real-aws-secret|X-Amz-Signature|X-Amz-Security-Token|visible-only-in-query/);
  }

  child.kill('SIGTERM');
  const [code, signal] = await once(child, 'exit');
  assert.equal(signal, null);
  assert.equal(code, 0, stderr);
});
