#!/usr/bin/env node
// The CLI lives in out/cli after `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../out/cli/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('swarmscope: not built yet; run `npm run build` first');
  process.exit(1);
}
await import(cli.href);
