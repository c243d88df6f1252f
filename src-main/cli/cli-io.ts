/**
 * What every `swarmscope` entry shares: the terminal, argument parsing, the one error type whose
 * message is shown as is, and the exit handling. Kept apart from `main.ts` so that a small entry
 * (create-main.ts) can use it without loading every command.
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The version `--version` prints and torrents name as their creator (package.json's). */
export const CLI_VERSION = '0.1.0';

/** Bad input: its message is the one line the user sees. */
export class CliError extends Error {}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

export const io: Io = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  isTTY: !!process.stderr.isTTY,
};

export function parse<const O extends ParseArgsOptionsConfig>(args: string[], options: O) {
  try {
    return parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>({
      args,
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
}

/** `123`, `64k`, `4MiB`, `1g`: bytes. */
export function parseSize(s: string): number {
  const m = /^(\d+)\s*([kmg]i?b?)?$/i.exec(s.trim());
  if (!m) throw new CliError(`bad size ${s}`);
  const mult: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
  const unit = (m[2] ?? '').charAt(0).toLowerCase();
  return Number(m[1]) * (mult[unit] ?? 1);
}

/** One line redrawn in place on a terminal. */
export class ProgressLine {
  private drawn = false;
  constructor(private readonly out: Io) {}
  update(line: string): void {
    if (!this.out.isTTY) return;
    this.out.stderr(`\r\x1b[2K${line}`);
    this.drawn = true;
  }
  done(): void {
    if (this.drawn) this.out.stderr('\n');
    this.drawn = false;
  }
}

/**
 * Runs an entry: its result is the exit code; an error is one line on stderr and exit 1. With
 * `exitWhenDone`, the process exits as soon as the entry settles and its output is flushed,
 * without waiting for what the entry leaves running (a one-shot create's hash worker, whose
 * teardown is time the user waits for and nothing else).
 */
export function runCli(entry: () => Promise<number>, opts: { exitWhenDone?: boolean } = {}): void {
  const finish = (code: number): void => {
    process.exitCode = code;
    if (opts.exitWhenDone !== true) return;
    // Both streams are written in order, so once this empty write of stderr's is flushed
    // (stdout's first), all output has left.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  };
  entry().then(finish, (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`swarmscope: ${message}\n`);
    finish(1);
  });
}
