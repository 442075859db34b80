#!/usr/bin/env node
// Starts the local AWS stack in one process:
//   node stack/bin/iamfetch-stack.mjs [--config file.json] [--port-base N]
// Prints one JSON line {"ready":true,"endpoints":...,"signing":...,"ids":...} when
// listening, then one line per request; SIGINT or SIGTERM stop it with exit code 0.
import { parseArgs } from 'node:util';
import { readConfigFile } from '../src/config.mjs';
import { startStack } from '../src/index.mjs';

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    'port-base': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write('usage: iamfetch-stack [--config file.json] [--port-base N]  (N=0: ephemeral ports)\n');
  process.exit(0);
}

const rawConfig = await readConfigFile(values.config);
const portBase = values['port-base'] !== undefined ? Number(values['port-base']) : rawConfig.portBase;
if (portBase !== undefined && !(Number.isInteger(portBase) && portBase >= 0 && portBase < 65500)) {
  process.stderr.write(`iamfetch-stack: bad --port-base ${values['port-base']}\n`);
  process.exit(2);
}
const stack = await startStack({
  config: rawConfig,
  portBase: portBase === 0 ? undefined : portBase,
  log: (line) => process.stdout.write(`${line}\n`),
});
// The ready line names ids and endpoints but no secret: the static test keys
// are in the config file for whoever needs them.
const { iamUsers, users, ...ids } = stack.ids;
process.stdout.write(`${JSON.stringify({ ready: true, endpoints: stack.endpoints, signing: stack.signing, ids })}\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  });
}
