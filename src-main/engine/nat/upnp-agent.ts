/**
 * UPnP IGD port mapping: SSDP search, the device description, then SOAP on the WAN connection
 * service: GetExternalIPAddress, AddPortMapping for TCP and UDP (renewed at half the lease),
 * DeletePortMapping on close.
 *
 * Invariants: a router that refuses a lease (725 OnlyPermanentLeasesSupported) gets lease 0, and
 * such a mapping is not renewed; ConflictInMappingEntry (718: another device holds the port) is
 * answered by at most UPNP_MAX_CONFLICT_RETRIES other external ports, then a failed state that
 * says so; every exchange is bounded in time and size; after close no timer is left.
 */
import type { PortMappingState, PortMappingTransport } from '../../../src-shared/model';
import { UPNP_MAX_CONFLICT_RETRIES } from '../limits';
import type { TimerHandle } from '../time/clock';
import type { AgentDeps, MappedPorts, MappingAgent } from './agent';
import { TRANSPORTS, errorReason, initialStates } from './agent';
import { httpExchange } from './http-exchange';
import { NatError, NatRefused } from './nat-error';
import { ssdpSearch } from './ssdp-search';
import type { SsdpDevice } from './ssdp-search';
import { renewAfterMs } from './timing';
import { UpnpFault, encodeSoapAction, findWanService, parseSoapAnswer } from './upnp-messages';
import type { WanService } from './upnp-messages';

const CONFLICT_IN_MAPPING_ENTRY = 718;
const ONLY_PERMANENT_LEASES_SUPPORTED = 725;
/** Our first "other" external port is above the well-known and registered ranges' crowd. */
const FIRST_FREE_PORT = 1024;

interface Gateway {
  service: WanService;
  /** Our LAN address as the router sees it: NewInternalClient. */
  internalClient: string;
  externalAddress: string;
}

export class UpnpAgent implements MappingAgent {
  readonly states: Record<PortMappingTransport, PortMappingState>;
  private gateway: Gateway | null = null;
  /** External port per transport, once mapped (renewals and deletion use it). */
  private readonly held = new Map<PortMappingTransport, number>();
  /** The router takes only permanent leases (725); renewals are pointless then. */
  private permanentOnly = false;
  private readonly timers = new Map<PortMappingTransport | 'search', TimerHandle>();
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Aborts discovery and mapping in flight when closing; deletions do not use it. */
  private readonly abort = new AbortController();
  /** Aborts the deletions too, once close's wait ran out. */
  private readonly abortAll = new AbortController();

  constructor(
    private readonly deps: AgentDeps,
    private readonly ssdpTarget: { address: string; port: number },
    private readonly ports: MappedPorts,
  ) {
    this.states = initialStates(ports);
  }

  start(): void {
    this.run(() => this.discover());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.abort.abort();
    await this.enqueue(async () => {
      for (const [transport, externalPort] of this.held) {
        await this.unmap(transport, externalPort).catch((err: unknown) =>
          this.deps.log(
            'debug',
            `UPnP: deleting the ${transport} mapping failed: ${errorReason(err)}`,
          ),
        );
      }
      this.held.clear();
    });
  }

  destroy(): void {
    this.abortAll.abort();
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

  private async discover(): Promise<void> {
    let devices: SsdpDevice[];
    try {
      devices = await ssdpSearch({
        clock: this.deps.clock,
        bindAddress: this.deps.bindAddress,
        target: this.ssdpTarget,
        waitMs: this.deps.timing.ssdpWaitMs,
        attempts: this.deps.timing.ssdpAttempts,
        graceMs: Math.min(300, this.deps.timing.ssdpWaitMs),
        signal: this.abort.signal,
        log: (m) => this.deps.log('debug', `UPnP: ${m}`),
      });
    } catch (err) {
      return this.failAll(errorReason(err));
    }
    if (this.closed) return;
    if (devices.length === 0) return this.failAll('no UPnP gateway answered');
    let lastError = 'no UPnP gateway answered';
    for (const device of devices) {
      try {
        this.gateway = await this.connect(device);
        break;
      } catch (err) {
        lastError =
          err instanceof NatRefused
            ? err.message
            : `the UPnP device at ${device.host} is unusable: ${errorReason(err)}`;
        this.deps.log('debug', `UPnP: ${device.location}: ${lastError}`);
      }
      if (this.closed) return;
    }
    if (this.closed) return;
    if (!this.gateway) return this.failAll(lastError);
    for (const transport of TRANSPORTS) await this.mapOne(transport);
  }

  private async connect(device: SsdpDevice): Promise<Gateway> {
    const answer = await httpExchange(
      { url: new URL(device.location), method: 'GET' },
      this.deps.clock,
      this.deps.timing.httpTimeoutMs,
      this.abort.signal,
    );
    if (answer.status !== 200)
      throw new NatError(`the device description answered HTTP ${answer.status}`);
    const service = findWanService(answer.body, device.location, device.host);
    const ip = await this.soap(service, 'GetExternalIPAddress', []);
    const externalAddress = ip.out.get('NewExternalIPAddress') ?? '';
    return {
      service,
      internalClient: ip.localAddress || answer.localAddress,
      // A router not yet connected upstream answers an empty address; show it as unknown.
      externalAddress: /^[\d.]{7,15}$/.test(externalAddress) ? externalAddress : 'unknown',
    };
  }

  private async soap(
    service: WanService,
    action: string,
    args: readonly (readonly [string, string | number])[],
    /** Deletions while closing: a shorter bound and no abort. */
    closing = false,
  ): Promise<{ out: Map<string, string>; localAddress: string }> {
    const t = this.deps.timing;
    const answer = await httpExchange(
      {
        url: service.controlUrl,
        method: 'POST',
        headers: {
          'Content-Type': 'text/xml; charset="utf-8"',
          SOAPAction: `"${service.serviceType}#${action}"`,
        },
        body: encodeSoapAction(service.serviceType, action, args),
      },
      this.deps.clock,
      closing ? Math.min(t.httpTimeoutMs, t.closeWaitMs) : t.httpTimeoutMs,
      closing ? this.abortAll.signal : this.abort.signal,
    );
    return {
      out: parseSoapAnswer(answer.status, answer.body, action),
      localAddress: answer.localAddress,
    };
  }

  private async mapOne(transport: PortMappingTransport): Promise<void> {
    const port = this.ports[transport];
    const gw = this.gateway;
    if (port === null || !gw || this.closed) return;
    try {
      const { externalPort, leaseSec } = await this.add(gw, transport, port);
      if (this.closed) {
        // Closed while the router answered: close's deletion ran already, so delete this one now.
        await this.unmap(transport, externalPort).catch(() => undefined);
        return;
      }
      this.held.set(transport, externalPort);
      this.set(transport, {
        state: 'mapped',
        externalAddress: gw.externalAddress,
        externalPort,
        protocol: 'upnp',
        expiresAt: leaseSec === 0 ? null : this.deps.clock.now() + leaseSec * 1000,
      });
      if (leaseSec > 0) this.schedule(transport, renewAfterMs(leaseSec, this.deps.timing));
    } catch (err) {
      if (this.closed) return;
      this.set(transport, { state: 'failed', reason: errorReason(err) });
      this.schedule(transport, this.deps.timing.retryMs);
    }
  }

  /** AddPortMapping, with the lease and conflict fallbacks. */
  private async add(
    gw: Gateway,
    transport: PortMappingTransport,
    port: number,
  ): Promise<{ externalPort: number; leaseSec: number }> {
    let externalPort = this.held.get(transport) ?? port;
    let conflicts = 0;
    for (;;) {
      const leaseSec = this.permanentOnly ? 0 : this.deps.timing.leaseSec;
      try {
        await this.soap(gw.service, 'AddPortMapping', [
          ['NewRemoteHost', ''],
          ['NewExternalPort', externalPort],
          ['NewProtocol', transport.toUpperCase()],
          ['NewInternalPort', port],
          ['NewInternalClient', gw.internalClient],
          ['NewEnabled', 1],
          ['NewPortMappingDescription', this.deps.description],
          ['NewLeaseDuration', leaseSec],
        ]);
        return { externalPort, leaseSec };
      } catch (err) {
        if (!(err instanceof UpnpFault)) throw err;
        if (err.errorCode === ONLY_PERMANENT_LEASES_SUPPORTED && !this.permanentOnly) {
          this.deps.log('debug', 'UPnP: the router takes only permanent leases');
          this.permanentOnly = true;
          continue;
        }
        if (err.errorCode !== CONFLICT_IN_MAPPING_ENTRY) throw err;
        if (++conflicts > UPNP_MAX_CONFLICT_RETRIES) {
          throw new UpnpFault(
            err.errorCode,
            `${err.description} (port ${port} and ${UPNP_MAX_CONFLICT_RETRIES} others are forwarded to another device)`,
          );
        }
        const taken = externalPort;
        externalPort = FIRST_FREE_PORT + this.deps.random.int(65536 - FIRST_FREE_PORT);
        this.deps.log(
          'info',
          `UPnP: external ${transport} port ${taken} belongs to another device; trying ${externalPort}`,
        );
      }
    }
  }

  private async unmap(transport: PortMappingTransport, externalPort: number): Promise<void> {
    const gw = this.gateway;
    if (!gw) return;
    await this.soap(
      gw.service,
      'DeletePortMapping',
      [
        ['NewRemoteHost', ''],
        ['NewExternalPort', externalPort],
        ['NewProtocol', transport.toUpperCase()],
      ],
      true,
    );
    this.deps.log(
      'info',
      `UPnP: removed the ${transport} mapping of external port ${externalPort}`,
    );
  }

  private schedule(key: PortMappingTransport, ms: number): void {
    this.timers.get(key)?.cancel();
    this.timers.set(
      key,
      this.deps.clock.setTimeout(() => {
        this.timers.delete(key);
        this.run(() => (this.gateway ? this.mapOne(key) : this.discover()));
      }, ms),
    );
  }

  private failAll(reason: string): void {
    for (const transport of TRANSPORTS) {
      if (this.ports[transport] === null) continue;
      this.set(transport, { state: 'failed', reason });
    }
    this.timers.get('search')?.cancel();
    this.timers.set(
      'search',
      this.deps.clock.setTimeout(() => {
        this.timers.delete('search');
        this.run(() => this.discover());
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
        `UPnP mapped ${transport} port ${this.ports[transport]} to ${state.externalAddress}:${state.externalPort}`,
      );
    } else if (state.state === 'failed') {
      this.deps.log('info', `UPnP ${transport}: ${state.reason}`);
    }
    this.deps.changed();
  }
}
