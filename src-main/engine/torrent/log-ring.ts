import type { PeerEvent } from '../../../src-shared/model';
import type { Clock } from '../time/clock';
import type { Logger } from '../log/logger';

/**
 * A fixed ring of the newest entries: the protocol log gets an entry for every block, so adding
 * must not shift an array.
 */
export class LogRing<T> {
  private readonly ring: T[] = [];
  private head = 0;
  private size = 0;

  constructor(private readonly capacity: number) {}

  push(entry: T): void {
    this.ring[this.head] = entry;
    this.head = (this.head + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** Oldest first. */
  toArray(): T[] {
    if (this.size < this.capacity) return this.ring.slice(0, this.size);
    return [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
  }
}

/** A torrent's protocol log: kept in a ring for the Log tab, pushed to the host, and on debug to the logger. */
export class PeerEventLog {
  private readonly ring: LogRing<PeerEvent>;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** The logger's source for local events, e.g. `torrent 0123abcd`. */
    private readonly source: string,
    private readonly emit: (event: PeerEvent) => void,
    capacity: number,
  ) {
    this.ring = new LogRing(capacity);
  }

  peer(peer: string, dir: PeerEvent['dir'], type: PeerEvent['type'], detail: string): void {
    const event: PeerEvent = { at: this.clock.now(), peer, dir, type, detail };
    this.ring.push(event);
    this.emit(event);
    // Requests, pieces and haves come by the thousand: the ring has them, the log file not.
    if (this.logger.enabled('debug') && type !== 'request' && type !== 'piece' && type !== 'have')
      this.logger.log('debug', `peer ${peer}`, `${dir} ${type} ${detail}`);
  }

  /** Our own decision about a peer (a ban, a hash failure): also a warning in the log file. */
  local(peer: string, type: PeerEvent['type'], detail: string): void {
    this.peer(peer, 'local', type, detail);
    this.logger.log('warn', this.source, detail);
  }

  recent(): PeerEvent[] {
    return this.ring.toArray();
  }
}
