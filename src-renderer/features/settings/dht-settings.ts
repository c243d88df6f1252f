/**
 * The DHT section's bootstrap list (issue 17): one `host:port` per line in a text box, to the
 * `dhtBootstrap` setting and back. Pure; unit-tested.
 */
import { maxDhtBootstrapNodes, parseHostPort } from '../../../src-shared/model';

export function bootstrapToText(list: readonly string[]): string {
  return list.join('\n');
}

/** The list the text names (blank lines ignored), or the first problem found. */
export function parseBootstrapText(
  text: string,
): { list: string[]; error: null } | { list: null; error: string } {
  const list = text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  for (const entry of list) {
    if (!parseHostPort(entry)) return { list: null, error: `"${entry}" is not host:port` };
  }
  if (list.length > maxDhtBootstrapNodes) {
    return { list: null, error: `At most ${maxDhtBootstrapNodes} nodes` };
  }
  return { list: [...new Set(list)], error: null };
}
