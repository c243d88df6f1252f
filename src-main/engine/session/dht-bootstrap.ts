/**
 * The DHT bootstrap list as the session uses it (issue 17): the `dhtBootstrap` setting's
 * `host:port` strings turned into nodes, and the loopback rules.
 *
 * Invariants (pure):
 * - Malformed entries are skipped, never thrown: settings.json may have been edited by hand.
 * - A session listening on a loopback address keeps only loopback bootstrap nodes: the public
 *   routers cannot be reached from there, and tests (which all listen on 127.0.0.1) must never
 *   dial them.
 * - Several DHT nodes per IP are allowed only on a loopback DHT (every node there shares
 *   127.0.0.1); the real DHT keeps one node per IP.
 */
import { parseHostPort } from '../../../src-shared/model';
import type { BootstrapNode } from '../dht';
import { parseEndpoint } from '../net/ip-address';

/** 127.0.0.0/8, `localhost` and `::1`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function v6Entry(text: string): { host: string; port: number } | null {
  const at = parseEndpoint(text);
  return at ? { host: at.address, port: at.port } : null;
}

export interface DhtBootstrapPlan {
  nodes: BootstrapNode[];
  /** Skipped entries (malformed, or public ones on a loopback-only session), for the log. */
  skipped: string[];
  allowSameIp: boolean;
}

export function planDhtBootstrap(
  entries: readonly unknown[],
  listenHost: string,
): DhtBootstrapPlan {
  const loopbackOnly = isLoopbackHost(listenHost);
  const nodes: BootstrapNode[] = [];
  const skipped: string[] = [];
  for (const e of entries) {
    // --- IPv6 (issue 18): `[v6]:port` too, for the IPv6 DHT (BEP 32).
    const parsed =
      typeof e === 'string'
        ? (parseHostPort(e) ?? (e.trim().startsWith('[') ? v6Entry(e) : null))
        : null;
    if (!parsed || (loopbackOnly && !isLoopbackHost(parsed.host))) {
      skipped.push(String(e).slice(0, 80));
      continue;
    }
    if (!nodes.some((n) => n.host === parsed.host && n.port === parsed.port)) nodes.push(parsed);
  }
  const allowSameIp =
    loopbackOnly || (nodes.length > 0 && nodes.every((n) => isLoopbackHost(n.host)));
  return { nodes, skipped, allowSameIp };
}
