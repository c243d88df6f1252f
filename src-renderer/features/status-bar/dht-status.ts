/**
 * The DHT status line's text (issue 17): nodes in the table, lookups in flight, and how many
 * peers each source gave. Pure; unit-tested.
 */
import type { DhtStatus } from '../../../src-shared/model';

/** Sources in the order the line shows them; others follow, by name. */
const sourceOrder = ['tracker', 'dht', 'pex', 'lsd', 'manual'];
const sourceLabels: Record<string, string> = {
  tracker: 'tracker',
  dht: 'DHT',
  pex: 'PEX',
  lsd: 'LSD',
  manual: 'manual',
};

export function dhtStatusText(dht: DhtStatus | undefined): {
  text: string;
  state: 'off' | 'running';
  title: string;
} {
  const sources = Object.entries(dht?.peersBySource ?? {})
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => {
      const ia = sourceOrder.indexOf(a);
      const ib = sourceOrder.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
    })
    .map(([s, n]) => `${sourceLabels[s] ?? s} ${n}`);
  const peers =
    sources.length > 0 ? `Peers by source: ${sources.join(', ')}` : 'No peers known yet';
  if (!dht?.running) return { text: 'DHT off', state: 'off', title: peers };
  const nodes = `${dht.nodes} ${dht.nodes === 1 ? 'node' : 'nodes'}`;
  const lookups = dht.lookupsInFlight > 0 ? ` · ${dht.lookupsInFlight} lookups` : '';
  return { text: `DHT ${nodes}${lookups}`, state: 'running', title: peers };
}
