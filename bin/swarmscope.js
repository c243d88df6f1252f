#!/usr/bin/env node
// The CLI lives in out/cli after `npm run build`. `create` has a small entry of its own, and
// `--version` loads nothing, so neither pays for the rest of the CLI's start-up (issue 20).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const command = process.argv[2];
if (command === '--version' || command === '-v' || command === 'version') {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`swarmscope ${pkg.version}\n`);
  process.exit(0);
}
const cli = new URL(`../out/cli/${command === 'create' ? 'create' : 'cli'}.js`, import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('swarmscope: not built yet; run `npm run build` first');
  process.exit(1);
}
await import(cli.href);
