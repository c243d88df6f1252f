/**
 * What the port mapper needs from each protocol's agent (UPnP, and PCP with NAT-PMP), and what
 * both share: the injected world and the per-transport state they report.
 */
import type { PortMappingState, PortMappingTransport } from '../../../src-shared/model';
import type { Clock, Random } from '../time/clock';
import type { PortMappingTiming } from './timing';

export interface AgentDeps {
  clock: Clock;
  random: Random;
  timing: PortMappingTiming;
  /** Local address for our UDP sockets ('0.0.0.0' in real life, '127.0.0.1' in tests). */
  bindAddress: string;
  /** The description routers show beside our mappings. */
  description: string;
  log(level: 'debug' | 'info' | 'warn', message: string): void;
  /** A state changed. */
  changed(): void;
}

export type MappedPorts = Record<PortMappingTransport, number | null>;

export interface MappingAgent {
  readonly states: Record<PortMappingTransport, PortMappingState>;
  start(): void;
  /** Deletes what was mapped (the caller bounds the wait) and stops every timer and socket. */
  close(): Promise<void>;
  /** After close's wait ran out: drop whatever is still in flight, sockets and all. */
  destroy(): void;
}

export const TRANSPORTS: readonly PortMappingTransport[] = ['tcp', 'udp'];

export function errorReason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Searching for each transport we have a port for; the other (no UDP socket, say) says so. */
export function initialStates(ports: MappedPorts): Record<PortMappingTransport, PortMappingState> {
  const state = (port: number | null): PortMappingState =>
    port === null ? { state: 'failed', reason: 'no port to map' } : { state: 'searching' };
  return { tcp: state(ports.tcp), udp: state(ports.udp) };
}
