/**
 * PCP (RFC 6887) with NAT-PMP (RFC 6886) fallback: maps the listen port's TCP and UDP at the
 * default gateway, renews each at half its granted lifetime, and deletes them (lifetime 0) on
 * close.
 *
 * Invariants: PCP is tried first; a version-0 answer or UNSUPP_VERSION (or PCP silence) switches
 * to NAT-PMP for good; exchanges run one at a time (a chain), each bounded by its retry schedule;
 * a failure is a `failed` state with the reason and a retry after `timing.retryMs`; after close
 * no timer is left and nothing more is sent.
 */
import type { PortMappingState, PortMappingTransport } from '../../../src-shared/model';
import type { TimerHandle } from '../time/clock';
import type { AgentDeps, MappedPorts, MappingAgent } from './agent';
import { TRANSPORTS, errorReason, initialStates } from './agent';
import type { GatewayResolver } from './default-gateway';
import { NatRefused } from './nat-error';
import {
  decodeExternalAddressResponse,
  decodeMapResponse,
  encodeExternalAddressRequest,
  encodeMapRequest,
} from './natpmp-codec';
import {
  PCP_NONCE_BYTES,
  PCP_UNSUPP_VERSION,
  decodePcpResponse,
  encodePcpMapRequest,
  pcpResultName,
} from './pcp-codec';
import { renewAfterMs } from './timing';
import { NatTimeout, UdpExchange } from './udp-exchange';
import type { RetrySchedule } from './udp-exchange';

type Mode = 'unknown' | 'pcp' | 'natpmp';

interface Held {
  externalPort: number;
  nonce: Uint8Array;
}

export class PmpAgent implements MappingAgent {
  readonly states: Record<PortMappingTransport, PortMappingState>;
  private mode: Mode = 'unknown';
  private udp: UdpExchange | null = null;
  private externalAddress: string | null = null;
  private readonly held = new Map<PortMappingTransport, Held>();
  private readonly timers = new Map<PortMappingTransport, TimerHandle>();
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly deps: AgentDeps,
    private readonly gateway: GatewayResolver,
    private readonly ports: MappedPorts,
  ) {
    this.states = initialStates(ports);
  }

  start(): void {
    this.run(() => this.connect());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.udp?.cancel();
    // Deletions go last on the chain: whatever was in flight finishes or fails first.
    await this.enqueue(async () => {
      for (const [transport, held] of this.held) {
        await this.unmap(transport, held).catch((err: unknown) =>
          this.deps.log('debug', `deleting the ${transport} mapping failed: ${errorReason(err)}`),
        );
      }
      this.held.clear();
      this.udp?.close();
      this.udp = null;
    });
  }

  destroy(): void {
    this.udp?.close();
  }

  private run(task: () => Promise<void>): void {
    void this.enqueue(async () => {
      if (!this.closed) await task();
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(task, task);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async connect(): Promise<void> {
    const gw = await this.gateway();
    if (this.closed) return;
    if (!gw) return this.failAll('no default gateway found');
    try {
      this.udp = await UdpExchange.open(
        this.deps.bindAddress,
        gw,
        this.deps.clock,
        this.deps.random,
      );
    } catch (err) {
      return this.failAll(errorReason(err));
    }
    if (this.closed) {
      this.udp.close();
      return;
    }
    for (const transport of TRANSPORTS) await this.mapOne(transport);
  }

  private async mapOne(transport: PortMappingTransport): Promise<void> {
    const port = this.ports[transport];
    if (port === null || this.closed || !this.udp) return;
    try {
      const state = await this.map(this.udp, transport, port);
      if (this.closed) return;
      this.set(transport, state);
      const after = renewAfterMs(this.leaseOf(state), this.deps.timing);
      this.schedule(transport, after);
    } catch (err) {
      if (this.closed) return;
      const reason =
        err instanceof NatTimeout && !err.sawGarbage
          ? `no NAT-PMP or PCP gateway answered (${err.message})`
          : errorReason(err);
      this.set(transport, { state: 'failed', reason });
      this.schedule(transport, this.deps.timing.retryMs);
    }
  }

  private leaseOf(state: PortMappingState): number {
    if (state.state !== 'mapped' || state.expiresAt === null) return this.deps.timing.leaseSec;
    return Math.max(0, (state.expiresAt - this.deps.clock.now()) / 1000);
  }

  private schedule(transport: PortMappingTransport, ms: number): void {
    this.timers.get(transport)?.cancel();
    this.timers.set(
      transport,
      this.deps.clock.setTimeout(() => {
        this.timers.delete(transport);
        this.run(() => (this.udp ? this.mapOne(transport) : this.connect()));
      }, ms),
    );
  }

  private async map(
    udp: UdpExchange,
    transport: PortMappingTransport,
    port: number,
  ): Promise<PortMappingState> {
    const lifetimeSec = this.deps.timing.leaseSec;
    if (this.mode !== 'natpmp') {
      const held = this.held.get(transport);
      const nonce = held?.nonce ?? this.deps.random.bytes(PCP_NONCE_BYTES);
      const request = encodePcpMapRequest({
        transport,
        clientAddress: udp.localAddress,
        internalPort: port,
        suggestedExternalPort: held?.externalPort ?? port,
        lifetimeSec,
        nonce,
      });
      try {
        const answer = await udp.exchange(
          request,
          (msg) => {
            const r = decodePcpResponse(msg);
            if (r.version === 0) return 'natpmp' as const;
            if (r.resultCode === PCP_UNSUPP_VERSION) return 'natpmp' as const;
            if (r.map && (!sameBytes(r.map.nonce, nonce) || r.map.transport !== transport)) {
              return undefined; // an answer to another request
            }
            if (r.resultCode !== 0) {
              throw new NatRefused(`the router refused: ${pcpResultName(r.resultCode)}`);
            }
            return r;
          },
          this.pcpSchedule(),
          'PCP MAP',
        );
        if (answer !== 'natpmp' && answer.map) {
          this.mode = 'pcp';
          this.held.set(transport, { externalPort: answer.map.externalPort, nonce });
          this.externalAddress = answer.map.externalAddress;
          return {
            state: 'mapped',
            externalAddress: answer.map.externalAddress,
            externalPort: answer.map.externalPort,
            protocol: 'pcp',
            expiresAt: this.deps.clock.now() + answer.lifetimeSec * 1000,
          };
        }
        this.deps.log('debug', 'the gateway speaks NAT-PMP, not PCP');
        this.mode = 'natpmp';
      } catch (err) {
        // PCP silence with nothing known yet: maybe a NAT-PMP gateway that ignores other versions.
        if (!(err instanceof NatTimeout) || this.mode !== 'unknown') throw err;
        this.mode = 'natpmp';
      }
    }
    if (this.externalAddress === null) {
      const ext = await udp.exchange(
        encodeExternalAddressRequest(),
        (msg) => decodeExternalAddressResponse(msg),
        this.natPmpSchedule(),
        'NAT-PMP external address',
      );
      this.externalAddress = ext.address;
    }
    const held = this.held.get(transport);
    const answer = await udp.exchange(
      encodeMapRequest({
        transport,
        internalPort: port,
        suggestedExternalPort: held?.externalPort ?? port,
        lifetimeSec,
      }),
      (msg) => {
        const r = decodeMapResponse(msg, transport);
        return r.internalPort === port ? r : undefined;
      },
      this.natPmpSchedule(),
      'NAT-PMP mapping',
    );
    this.held.set(transport, { externalPort: answer.externalPort, nonce: new Uint8Array(0) });
    return {
      state: 'mapped',
      externalAddress: this.externalAddress,
      externalPort: answer.externalPort,
      protocol: 'natpmp',
      expiresAt: this.deps.clock.now() + answer.lifetimeSec * 1000,
    };
  }

  /** Lifetime 0 deletes (RFC 6886 section 3.4, RFC 6887 section 15); one try, bounded by the caller. */
  private async unmap(transport: PortMappingTransport, held: Held): Promise<void> {
    const udp = this.udp;
    const port = this.ports[transport];
    if (!udp || port === null) return;
    const once = { initialMs: this.deps.timing.closeWaitMs, attempts: 1, jitter: false };
    if (this.mode === 'pcp') {
      const request = encodePcpMapRequest({
        transport,
        clientAddress: udp.localAddress,
        internalPort: port,
        suggestedExternalPort: held.externalPort,
        lifetimeSec: 0,
        nonce: held.nonce,
      });
      await udp.exchange(request, (msg) => decodePcpResponse(msg), once, 'PCP delete');
    } else {
      const request = encodeMapRequest({
        transport,
        internalPort: port,
        suggestedExternalPort: 0,
        lifetimeSec: 0,
      });
      await udp.exchange(
        request,
        (msg) => decodeMapResponse(msg, transport),
        once,
        'NAT-PMP delete',
      );
    }
    this.deps.log('info', `removed the ${transport} mapping of port ${port}`);
  }

  private failAll(reason: string): void {
    for (const transport of TRANSPORTS) {
      if (this.ports[transport] === null) continue;
      this.set(transport, { state: 'failed', reason });
    }
    // One retry timer for both: the next try resolves the gateway again.
    this.timers.get('tcp')?.cancel();
    this.timers.set(
      'tcp',
      this.deps.clock.setTimeout(() => {
        this.timers.delete('tcp');
        this.run(() => this.connect());
      }, this.deps.timing.retryMs),
    );
  }

  private set(transport: PortMappingTransport, state: PortMappingState): void {
    const before = JSON.stringify(this.states[transport]);
    this.states[transport] = state;
    if (JSON.stringify(state) === before) return;
    if (state.state === 'mapped') {
      this.deps.log(
        'info',
        `${state.protocol === 'pcp' ? 'PCP' : 'NAT-PMP'} mapped ${transport} port ${this.ports[transport]} to ${state.externalAddress}:${state.externalPort}`,
      );
    } else if (state.state === 'failed') {
      this.deps.log('info', `NAT-PMP/PCP ${transport}: ${state.reason}`);
    }
    this.deps.changed();
  }

  private pcpSchedule(): RetrySchedule {
    const t = this.deps.timing;
    return { initialMs: t.pcpInitialRtoMs, attempts: t.pcpAttempts, jitter: true };
  }

  private natPmpSchedule(): RetrySchedule {
    const t = this.deps.timing;
    return { initialMs: t.natpmpInitialRtoMs, attempts: t.natpmpAttempts, jitter: false };
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
