/**
 * One line about port mapping for people (issue 18): the status bar, Settings and the CLI all
 * say the same thing. Pure; unit-tested.
 *
 * TCP decides: it is how most peers reach us. A mapping by either protocol family is success;
 * "searching" while any is still looking; otherwise the reasons, merged so that two silent
 * gateways read as one sentence and a router's refusal is never hidden behind silence.
 */
import type {
  PortMappingProtocol,
  PortMappingState,
  PortMappingStatus,
} from './model/port-mapping';

export type PortMappingSummary =
  | { kind: 'off' }
  | { kind: 'searching'; port: number | null }
  | {
      kind: 'mapped';
      port: number | null;
      externalAddress: string;
      externalPort: number;
      protocol: PortMappingProtocol;
      /** UDP (uTP, the DHT) is mapped too. */
      udpMapped: boolean;
    }
  | { kind: 'failed'; port: number | null; reason: string };

const protocolNames: Record<PortMappingProtocol, string> = {
  upnp: 'UPnP',
  natpmp: 'NAT-PMP',
  pcp: 'PCP',
};

export function protocolName(p: PortMappingProtocol): string {
  return protocolNames[p];
}

/** A reason that only says nobody answered (as opposed to a refusal or an error). */
function isSilence(reason: string): boolean {
  return reason.startsWith('no ');
}

export function summarizePortMapping(s: PortMappingStatus | undefined | null): PortMappingSummary {
  if (!s || !s.enabled) return { kind: 'off' };
  const port = s.tcpPort;
  const tcp: PortMappingState[] = [s.upnp.tcp, s.natpmp.tcp];
  const mapped = tcp.find((x) => x.state === 'mapped');
  if (mapped && mapped.state === 'mapped') {
    const udp = [s.upnp.udp, s.natpmp.udp].some((x) => x.state === 'mapped');
    return {
      kind: 'mapped',
      port,
      externalAddress: mapped.externalAddress,
      externalPort: mapped.externalPort,
      protocol: mapped.protocol,
      udpMapped: udp,
    };
  }
  if (tcp.some((x) => x.state === 'searching')) return { kind: 'searching', port };
  const upnp = s.upnp.tcp.state === 'failed' ? s.upnp.tcp.reason : '';
  const pmp = s.natpmp.tcp.state === 'failed' ? s.natpmp.tcp.reason : '';
  if (isSilence(upnp) && isSilence(pmp)) {
    return { kind: 'failed', port, reason: 'no UPnP or NAT-PMP gateway answered' };
  }
  const parts: string[] = [];
  if (upnp && !isSilence(upnp)) parts.push(`UPnP: ${upnp}`);
  if (pmp && !isSilence(pmp)) parts.push(`NAT-PMP: ${pmp}`);
  return {
    kind: 'failed',
    port,
    reason: parts.join('; ') || 'no UPnP or NAT-PMP gateway answered',
  };
}

/** The short line: "Port 6881 open via UPnP", "Port not forwarded: ...". */
export function portMappingLine(summary: PortMappingSummary): string {
  switch (summary.kind) {
    case 'off':
      return 'Port mapping off';
    case 'searching':
      return summary.port === null
        ? 'Looking for a router'
        : `Opening port ${summary.port} on the router`;
    case 'mapped':
      return `Port ${summary.port ?? summary.externalPort} open via ${protocolName(summary.protocol)}`;
    case 'failed':
      return `Port not forwarded: ${summary.reason}`;
  }
}

/** The longer text: the external address, or what to do about a failure. */
export function portMappingDetail(summary: PortMappingSummary): string {
  switch (summary.kind) {
    case 'off':
      return 'Swarmscope does not ask the router to forward the listen port. Peers outside can reach you only if the port is forwarded by hand.';
    case 'searching':
      return 'Asking the router over UPnP and NAT-PMP/PCP to forward the listen port.';
    case 'mapped':
      return `Reachable at ${summary.externalAddress}:${summary.externalPort} (${protocolName(summary.protocol)}, TCP${summary.udpMapped ? ' and UDP' : ' only'}).`;
    case 'failed':
      return `The router did not forward the port (${summary.reason}). Peers outside can still be dialled, but cannot connect in unless the port is forwarded by hand.`;
  }
}
