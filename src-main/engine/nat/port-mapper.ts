/**
 * The port mapper: asks the router to forward our listen port, over UPnP IGD and over PCP (or
 * NAT-PMP) at once, since a home router speaks one, the other, both or neither. Each reports a
 * state per transport (searching, mapped, failed with a reason) for the status bar and Settings.
 *
 * Invariants: clocked (the injected Clock; no real timers here); every byte from the network is
 * untrusted and capped (limits.ts); `close()` removes what was mapped but waits at most
 * `timing.closeWaitMs` for the routers, so shutdown never hangs on a silent gateway; after it,
 * no timer or socket of ours is left.
 */
import type { PortMappingStatus } from '../../../src-shared/model';
import type { Clock, Random, TimerHandle } from '../time/clock';
import type { AgentDeps, MappedPorts } from './agent';
import { systemGatewayResolver } from './default-gateway';
import type { GatewayResolver } from './default-gateway';
import { NATPMP_PORT } from './natpmp-codec';
import { PmpAgent } from './pmp-agent';
import { DEFAULT_PORT_MAPPING_TIMING } from './timing';
import type { PortMappingTiming } from './timing';
import { UpnpAgent } from './upnp-agent';
import { SSDP_MULTICAST } from './upnp-messages';

/** Where the mapper looks for routers; tests point both at fakes on 127.0.0.1. */
export interface PortMapperEnv {
  /** The NAT-PMP/PCP server: the default gateway, port 5351, in real life. */
  gateway: GatewayResolver;
  /** Where M-SEARCH goes: 239.255.255.250:1900 in real life. */
  ssdpTarget: { address: string; port: number };
  /** Local address of our UDP sockets. */
  bindAddress: string;
  timing: Partial<PortMappingTiming>;
  /** Run only one protocol family (tests of one fake); both by default. */
  protocols: readonly ('upnp' | 'natpmp')[];
}

export const DEFAULT_PORT_MAPPER_ENV: PortMapperEnv = {
  gateway: systemGatewayResolver(NATPMP_PORT),
  ssdpTarget: SSDP_MULTICAST,
  bindAddress: '0.0.0.0',
  timing: {},
  protocols: ['upnp', 'natpmp'],
};

export interface PortMapperOptions {
  clock: Clock;
  random: Random;
  ports: MappedPorts;
  env?: Partial<PortMapperEnv>;
  description?: string;
  log(level: 'debug' | 'info' | 'warn', message: string): void;
  changed(): void;
}

const OFF = { state: 'failed', reason: 'not tried' } as const;

export class PortMapper {
  private readonly upnp: UpnpAgent | null;
  private readonly pmp: PmpAgent | null;
  private readonly closeWaitMs: number;
  private readonly clock: Clock;
  private closing: Promise<void> | null = null;

  constructor(private readonly opts: PortMapperOptions) {
    const env = { ...DEFAULT_PORT_MAPPER_ENV, ...(opts.env ?? {}) };
    const timing = { ...DEFAULT_PORT_MAPPING_TIMING, ...env.timing };
    this.clock = opts.clock;
    this.closeWaitMs = timing.closeWaitMs;
    const deps: AgentDeps = {
      clock: opts.clock,
      random: opts.random,
      timing,
      bindAddress: env.bindAddress,
      description: opts.description ?? 'Swarmscope',
      log: opts.log,
      changed: opts.changed,
    };
    this.upnp = env.protocols.includes('upnp')
      ? new UpnpAgent(deps, env.ssdpTarget, opts.ports)
      : null;
    this.pmp = env.protocols.includes('natpmp')
      ? new PmpAgent(deps, env.gateway, opts.ports)
      : null;
  }

  start(): void {
    this.upnp?.start();
    this.pmp?.start();
  }

  get ports(): MappedPorts {
    return this.opts.ports;
  }

  status(): PortMappingStatus {
    return {
      enabled: true,
      tcpPort: this.opts.ports.tcp,
      udpPort: this.opts.ports.udp,
      upnp: { tcp: this.upnp?.states.tcp ?? OFF, udp: this.upnp?.states.udp ?? OFF },
      natpmp: { tcp: this.pmp?.states.tcp ?? OFF, udp: this.pmp?.states.udp ?? OFF },
    };
  }

  /** Removes the mappings, waiting for the routers at most `closeWaitMs`. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.closeBounded();
    return this.closing;
  }

  private async closeBounded(): Promise<void> {
    let timer: TimerHandle | null = null;
    const deadline = new Promise<void>((resolve) => {
      timer = this.clock.setTimeout(() => {
        this.opts.log('info', 'port mapping: the routers did not confirm the deletions in time');
        resolve();
      }, this.closeWaitMs);
    });
    const both = Promise.all([this.upnp?.close(), this.pmp?.close()]).then(() => undefined);
    await Promise.race([both, deadline]);
    (timer as TimerHandle | null)?.cancel();
    this.upnp?.destroy();
    this.pmp?.destroy();
  }
}

/** The status while mapping is off (setting, host) or before the listen port opens. */
export function portMappingOff(ports: MappedPorts): PortMappingStatus {
  const off = { state: 'failed', reason: 'port mapping is off' } as const;
  return {
    enabled: false,
    tcpPort: ports.tcp,
    udpPort: ports.udp,
    upnp: { tcp: off, udp: off },
    natpmp: { tcp: off, udp: off },
  };
}
