#!/usr/bin/env node
// The CLI lives in out/cli after `npm run build`. `create` has a small entry of its own, and
// `--version` loads nothing, so neither pays for the rest of the CLI's start-up (issue 20).
//
// CommonJS (bin/package.json says so), as is the create entry (out/cli/create.cjs): Node's ES
// module loader, and the facade it builds for each `node:` module imported, cost a one-shot
// process start-up time it can avoid (measured here: ~6 ms of CPU for `--version`, ~6-25 ms for
// a create). The whole CLI stays an ES module, loaded with import().
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, as said above */
const fs = require('node:fs');

const command = process.argv[2];
if (command === '--version' || command === '-v' || command === 'version') {
  // Read as a file, not require()d: the module loader's lookups cost more than the read (~6 ms
  // of CPU here, a sixth of Node's own start-up).
  const { version } = JSON.parse(fs.readFileSync(`${__dirname}/../package.json`, 'utf8'));
  process.stdout.write(`swarmscope ${version}\n`);
  process.exit(0);
}
const path = require('node:path');
const entry = path.join(
  __dirname,
  '..',
  'out',
  'cli',
  command === 'create' ? 'create.cjs' : 'cli.js',
);
if (!fs.existsSync(entry)) {
  console.error('swarmscope: not built yet; run `npm run build` first');
  process.exit(1);
}
if (command === 'create') {
  require(entry);
} else {
  const { pathToFileURL } = require('node:url');
  import(pathToFileURL(entry).href).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
