/**
 * `swarmscope create` as its own entry (out/cli/create.cjs; bin/swarmscope.js picks it): the
 * hashing workers start first, while the rest of this small bundle loads and the arguments are
 * read, and none of the other commands' code is loaded at all (issue 20: create as a whole
 * process against mktorrent).
 */
import { HashWritePool } from '../engine';
import { io, runCli } from './cli-io';
import { createLeavingPoolOpen } from './commands/create';

// One-shot: the main thread hashes too, and saves one worker's start-up.
const pool = new HashWritePool({ mainThreadHelps: true });
pool.prestart();
// As bin/swarmscope.js runs it (`create` first) or on its own (`node out/cli/create.cjs <path> …`).
const args = process.argv.slice(2);
if (args[0] === 'create') args.shift();
// The process exits once the torrent is written and the result printed: tearing the worker
// down first would only be more time the user waits.
runCli(() => createLeavingPoolOpen(args, io, pool), { exitWhenDone: true });
