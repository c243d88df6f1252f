// Security gate over the Electron code with Doyensec's Electronegativity, under the policy in
// .electronegativity.json: HIGH/CRITICAL findings fail, MEDIUM ones fail unless accepted (by
// check and file, with a reason), LOW/INFORMATIONAL are printed. The inputs are copied into a
// temporary folder first, without tests and test helpers, so one run covers several roots and
// reports repository-relative paths. It runs offline: the one check that downloads Electron's
// release list is disabled by the policy, and the translation download it tries gives up after 1 s.
//
// Usage: node scripts/electronegativity.mjs   (exit 1 on any failure)
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
export const policyPath = path.join(root, '.electronegativity.json');
const runTimeoutMs = 120_000;

export const failingSeverities = new Set(['CRITICAL', 'HIGH']);

/**
 * @typedef {{ check: string, reason: string }} DisabledCheck
 * @typedef {{ check: string, file: string, reason: string }} Acceptance
 * @typedef {{ electronVersion: string, inputs: string[], exclude: string[],
 *   disabledChecks: DisabledCheck[], acceptedMedium: Acceptance[] }} Policy
 * @typedef {{ check: string, severity: string, confidence: string, file: string,
 *   location: string, sample: string, description: string }} Finding
 */

function requireReason(entry, where) {
  if (typeof entry.reason !== 'string' || entry.reason.trim().length < 10) {
    throw new Error(`electronegativity policy: ${where} needs a one-line reason`);
  }
}

/**
 * Validates a policy object; every acceptance and every disabled check must say why.
 * @returns {Policy}
 */
export function validatePolicy(raw) {
  if (typeof raw !== 'object' || raw === null)
    throw new Error('electronegativity policy: not an object');
  const p = /** @type {Record<string, unknown>} */ (raw);
  if (typeof p.electronVersion !== 'string' || !/^\d+\.\d+\.\d+$/.test(p.electronVersion)) {
    throw new Error('electronegativity policy: electronVersion must be x.y.z');
  }
  for (const key of ['inputs', 'exclude', 'disabledChecks', 'acceptedMedium']) {
    if (!Array.isArray(p[key])) throw new Error(`electronegativity policy: ${key} must be a list`);
  }
  const policy = /** @type {Policy} */ (p);
  if (policy.inputs.length === 0) throw new Error('electronegativity policy: no inputs');
  policy.disabledChecks.forEach((d, i) => {
    if (typeof d.check !== 'string')
      throw new Error(`electronegativity policy: disabledChecks[${i}].check`);
    requireReason(d, `disabledChecks[${i}] (${d.check})`);
  });
  policy.acceptedMedium.forEach((a, i) => {
    if (typeof a.check !== 'string' || typeof a.file !== 'string') {
      throw new Error(`electronegativity policy: acceptedMedium[${i}] needs check and file`);
    }
    requireReason(a, `acceptedMedium[${i}] (${a.check} in ${a.file})`);
  });
  return policy;
}

export async function loadPolicy(file = policyPath) {
  return validatePolicy(JSON.parse(await readFile(file, 'utf8')));
}

/** RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes), as Electronegativity writes it. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim().length > 0));
}

/** @returns {Finding[]} */
export function findingsFromCsv(text) {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const names = header.map((h) => h.trim().toLowerCase());
  const col = (name) => {
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`electronegativity: CSV lacks column ${name}`);
    return i;
  };
  const idx = {
    check: col('issue'),
    severity: col('severity'),
    confidence: col('confidence'),
    file: col('filename'),
    location: col('location'),
    sample: col('sample'),
    description: col('description'),
  };
  return rows.map((r) => ({
    check: r[idx.check] ?? '',
    severity: (r[idx.severity] ?? '').toUpperCase(),
    confidence: (r[idx.confidence] ?? '').toUpperCase(),
    file: (r[idx.file] ?? '').split(path.sep).join('/'),
    location: r[idx.location] ?? '',
    sample: r[idx.sample] ?? '',
    description: r[idx.description] ?? '',
  }));
}

/**
 * Sorts findings into what fails the gate, what the policy accepts, and what is only printed.
 * An acceptance that matches nothing is reported as stale, so the list cannot rot.
 * @param {Finding[]} findings
 * @param {Policy} policy
 */
export function judge(findings, policy) {
  const failures = [];
  const accepted = [];
  const info = [];
  const used = new Set();
  for (const f of findings) {
    if (failingSeverities.has(f.severity)) {
      failures.push(f);
    } else if (f.severity === 'MEDIUM') {
      const i = policy.acceptedMedium.findIndex((a) => a.check === f.check && a.file === f.file);
      if (i >= 0) {
        used.add(i);
        accepted.push({ ...f, reason: policy.acceptedMedium[i].reason });
      } else {
        failures.push(f);
      }
    } else {
      info.push(f);
    }
  }
  const stale = policy.acceptedMedium.filter((_, i) => !used.has(i));
  return { failures, accepted, info, stale, ok: failures.length === 0 && stale.length === 0 };
}

/** A glob with `**`, `*` and `?` as a RegExp over '/'-separated relative paths. */
export function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') {
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

function excluded(rel, patterns) {
  return patterns.some((p) => globToRegExp(p).test(rel));
}

/** Copies the inputs (minus exclusions) under `dest`, keeping repository-relative paths. */
async function stage(policy, fromRoot, dest) {
  for (const input of policy.inputs) {
    const src = path.join(fromRoot, input);
    const info = await stat(src);
    await mkdir(path.dirname(path.join(dest, input)), { recursive: true });
    await cp(src, path.join(dest, input), {
      recursive: info.isDirectory(),
      filter: (from) =>
        !excluded(path.relative(fromRoot, from).split(path.sep).join('/'), policy.exclude),
    });
  }
}

/**
 * Runs Electronegativity over the policy's inputs under `fromRoot` and returns its findings.
 * @param {Policy} policy
 * @param {string} [fromRoot]
 * @returns {Promise<Finding[]>}
 */
export async function scan(policy, fromRoot = root) {
  const tmp = await mkdtemp(path.join(tmpdir(), 'swarmscope-electronegativity-'));
  try {
    const input = path.join(tmp, 'input');
    await stage(policy, fromRoot, input);
    const csv = path.join(tmp, 'findings.csv');
    // Electronegativity writes the CSV header and the rows with two unordered async writeFile
    // calls (truncate, then append), so a report can come out garbled or headerless. A preload
    // makes fs.writeFile synchronous in that process only, which restores their order.
    const ordered = path.join(tmp, 'ordered-writes.cjs');
    await writeFile(ordered, orderedWritesPreload);
    const args = [
      '--require',
      ordered,
      cli,
      '-i',
      input,
      '-o',
      csv,
      '-r',
      '-e',
      policy.electronVersion,
    ];
    if (policy.disabledChecks.length > 0) {
      args.push('-x', policy.disabledChecks.map((d) => d.check).join(','));
    }
    const child = spawn(process.execPath, args, { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b) => (output += b));
    child.stderr.on('data', (b) => (output += b));
    try {
      const code = await new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`electronegativity timed out\n${output}`)),
          runTimeoutMs,
        );
        child.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        child.on('close', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      // It exits 0 with or without findings; anything else, or no CSV, is a broken run.
      if (code !== 0) throw new Error(`electronegativity exited with ${code}\n${output}`);
    } finally {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGKILL');
      }
    }
    const text = await readFile(csv, 'utf8').catch((err) => {
      throw new Error(`electronegativity wrote no report (${err.code})\n${output}`, { cause: err });
    });
    return findingsFromCsv(text);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const orderedWritesPreload = `const fs = require('fs');
fs.writeFile = function (file, data, opts, cb) {
  if (typeof opts === 'function') { cb = opts; opts = undefined; }
  let err = null;
  try { fs.writeFileSync(file, data, opts); } catch (e) { err = e; }
  if (cb) process.nextTick(cb, err);
};
`;

function line(f) {
  return `  ${f.severity.padEnd(8)} ${f.check} ${f.file}:${f.location}  ${f.description}`;
}

async function main() {
  const started = performance.now();
  const policy = await loadPolicy();
  const verdict = judge(await scan(policy), policy);
  for (const f of verdict.info) console.log(line(f));
  for (const f of verdict.accepted) console.log(`${line(f)}\n           accepted: ${f.reason}`);
  for (const f of verdict.failures) console.error(line(f));
  for (const a of verdict.stale)
    console.error(`  stale acceptance: ${a.check} in ${a.file} matched nothing`);
  const ms = Math.round(performance.now() - started);
  console.log(
    `electronegativity: ${verdict.failures.length} failing, ${verdict.accepted.length} accepted, ${verdict.info.length} low, ${verdict.stale.length} stale (${ms} ms)`,
  );
  if (!verdict.ok) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(
      `electronegativity gate failed: ${err instanceof Error ? err.message : String(err)}`,
    );
    process.exit(1);
  });
}
