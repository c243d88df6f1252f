/**
 * The allow-list file: one info-hash a line, 40 hex characters (opentracker's whitelist
 * format). Blank lines and `#` comments are skipped; other malformed lines are reported back
 * so the caller can log them, never silently dropped.
 */
import { readFile } from 'node:fs/promises';

const HEX40 = /^[0-9a-fA-F]{40}$/;

export function parseAllowList(text: string): { hashes: Set<string>; badLines: number[] } {
  const hashes = new Set<string>();
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (HEX40.test(line)) hashes.add(line.toLowerCase());
    else badLines.push(i + 1);
  });
  return { hashes, badLines };
}

export async function loadAllowList(
  file: string,
): Promise<{ hashes: Set<string>; badLines: number[] }> {
  return parseAllowList(await readFile(file, 'utf8'));
}
