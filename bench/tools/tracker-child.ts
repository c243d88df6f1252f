/**
 * Entry point bundled by the tracker bench: runs `swarmscope tracker` in its own process so the
 * load generator never shares an event loop with the server under test.
 */
import { runTrackerCommand } from '../../src-main/cli/commands/tracker';

const code = await runTrackerCommand(process.argv.slice(2), {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
});
process.exitCode = code;
