/**
 * `swarmscope info <magnet>`: what a magnet link says (BEP 9, BEP 53), without fetching
 * anything; and how the CLI tells a magnet argument from a .torrent path.
 */
import { parseMagnet } from '../../engine';

/** A magnet link, not a path: `magnet:?` (the scheme is case-insensitive, RFC 3986). */
export function isMagnetArg(arg: string | undefined): boolean {
  return arg !== undefined && /^magnet:\?/i.test(arg.trim());
}

/** The link's fields, as lines or JSON. Throws the parser's error (it names the parameter). */
export function magnetInfo(uri: string, json: boolean): string {
  const m = parseMagnet(uri);
  const data = {
    name: m.name,
    infoHash: m.infoHashHex,
    trackers: m.trackers,
    peers: m.peers,
    webSeeds: m.webSeeds,
    selectOnly: m.selectOnly,
  };
  if (json) return JSON.stringify(data, null, 2) + '\n';
  const lines = [
    `name:         ${m.name ?? '(not given)'}`,
    `info-hash:    ${m.infoHashHex}`,
    'size, files:  unknown until the metadata is fetched from peers',
    `trackers:     ${m.trackers.length === 0 ? '(none)' : ''}`,
    ...m.trackers.map((t) => `  ${t}`),
    `peers:        ${m.peers.length === 0 ? '(none)' : ''}`,
    ...m.peers.map((p) => `  ${p}`),
  ];
  if (m.webSeeds.length > 0) lines.push('web seeds:', ...m.webSeeds.map((w) => `  ${w}`));
  if (m.selectOnly !== null) lines.push(`select only:  files ${m.selectOnly.join(', ')}`);
  return lines.join('\n') + '\n';
}
