/**
 * Shared harness of the `*.property.test.ts` files: "any input raises only our typed errors,
 * within bounded time", with fast-check generating the input and shrinking a failure.
 *
 * - `FUZZ_RUNS` sets the runs per property (default small, so `npm test` stays quick);
 *   `npm run fuzz` (scripts/fuzz.mjs) raises it and sets `FUZZ_SAVE=1`.
 * - `FUZZ_SEED` replays a run; fast-check prints the seed and path of any failure.
 * - With `FUZZ_SAVE=1`, a shrunk failing input is written to `fuzz-fixtures/<target>/<sha1>.hex`;
 *   every test replays that folder first, so a failure found once is checked for ever.
 * - Every input is bytes (strings are their UTF-8), so one fixture format serves every target.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

type ErrorClass = abstract new (...args: never[]) => Error;

export const FIXTURES_DIR = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'fuzz-fixtures',
);

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/** Runs per property: small by default, so all properties together take a few seconds. */
export const FUZZ_RUNS = envInt('FUZZ_RUNS', 60);
/**
 * Wall time one input may take. Generous: the machine is shared, and the inputs are at most a
 * few KiB, so a linear decoder needs microseconds; a super-linear one blows past it.
 */
export const FUZZ_INPUT_BUDGET_MS = envInt('FUZZ_INPUT_BUDGET_MS', 1_000);
const rawSeed = Number(process.env['FUZZ_SEED']);
/** fast-check seeds are 32-bit integers, negative ones included; anything else means "random". */
const SEED = Number.isInteger(rawSeed) && process.env['FUZZ_SEED'] !== '' ? rawSeed : undefined;
const SAVE = process.env['FUZZ_SAVE'] === '1';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8');

export function bytesOf(s: string): Uint8Array {
  return utf8.encode(s);
}

export function textOf(b: Uint8Array): string {
  return fromUtf8.decode(b);
}

/**
 * Runs `fn`; it may return or throw one of `allowed`, within the time budget. Anything else
 * (TypeError, RangeError, a stack overflow, a hang) fails with the input in the message.
 */
export function expectOnlyTyped(
  fn: () => unknown,
  allowed: readonly ErrorClass[],
  input: Uint8Array,
): void {
  const started = performance.now();
  try {
    fn();
  } catch (err) {
    if (!allowed.some((cls) => err instanceof cls)) {
      const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new Error(`untyped error on input ${Buffer.from(input).toString('hex')}: ${what}`, {
        cause: err,
      });
    }
  }
  const took = performance.now() - started;
  if (took > FUZZ_INPUT_BUDGET_MS) {
    throw new Error(`took ${took.toFixed(0)} ms on a ${input.length}-byte input`);
  }
}

/** The saved failing inputs of `target` (hex files), oldest name first. */
export function fixtures(target: string): { name: string; bytes: Uint8Array }[] {
  const dir = path.join(FIXTURES_DIR, target);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.hex'));
  } catch {
    return [];
  }
  return names.sort().map((name) => ({
    name,
    bytes: new Uint8Array(Buffer.from(readFileSync(path.join(dir, name), 'utf8').trim(), 'hex')),
  }));
}

function saveFixture(target: string, bytes: Uint8Array): string {
  const dir = path.join(FIXTURES_DIR, target);
  mkdirSync(dir, { recursive: true });
  const name = `${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}.hex`;
  writeFileSync(path.join(dir, name), `${Buffer.from(bytes).toString('hex')}\n`);
  return path.join(dir, name);
}

/**
 * Checks `predicate` on the saved fixtures of `target`, then on `FUZZ_RUNS` generated inputs.
 * On failure, fast-check's shrunk counterexample is reported (and saved under FUZZ_SAVE=1).
 */
export function checkBytes(
  target: string,
  arb: fc.Arbitrary<Uint8Array>,
  predicate: (input: Uint8Array) => void,
  runs = FUZZ_RUNS,
): void {
  for (const f of fixtures(target)) predicate(f.bytes);
  const details = fc.check(
    fc.property(arb, (input) => {
      predicate(input);
    }),
    { numRuns: runs, ...(SEED !== undefined ? { seed: SEED } : {}) },
  );
  if (!details.failed) return;
  const input = details.counterexample?.[0];
  const saved = SAVE && input !== undefined ? ` (saved as ${saveFixture(target, input)})` : '';
  throw new Error(
    `${target}: property failed after ${details.numRuns} runs, seed ${details.seed}, path ` +
      `${details.counterexamplePath}${saved}\ninput: ${input === undefined ? '?' : Buffer.from(input).toString('hex')}\n` +
      `${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`,
    { cause: details.errorInstance },
  );
}

/** Random bytes, mostly short, sometimes a few KiB. */
export function anyBytes(maxLength = 4096): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength }) },
  );
}

/**
 * `valid` inputs with a few bytes overwritten, inserted or cut: close enough to the format to
 * reach deep into a decoder, unlike uniform random bytes.
 */
export function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const edit = fc.record({
    kind: fc.constantFrom('set', 'insert', 'cut'),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
    len: fc.integer({ min: 1, max: 8 }),
  });
  return fc.tuple(valid, fc.array(edit, { maxLength: 4 })).map(([bytes, edits]) => {
    let out = Uint8Array.from(bytes);
    for (const e of edits) {
      const at = out.length === 0 ? 0 : e.at % (out.length + 1);
      if (e.kind === 'set' && at < out.length) out[at] = e.byte;
      else if (e.kind === 'insert') {
        const next = new Uint8Array(out.length + e.len).fill(e.byte);
        next.set(out.subarray(0, at), 0);
        next.set(out.subarray(at), at + e.len);
        out = next;
      } else if (e.kind === 'cut') {
        out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + e.len)]);
      }
    }
    return out;
  });
}
