/**
 * Outgoing peer sockets that read into one shared buffer (Node's `onread` option) instead of a
 * fresh ArrayBuffer per read.
 *
 * Why: a download arrives in ~64 KiB reads, 16,000 per GiB. Each default read is a new external
 * ArrayBuffer, and V8 answers that external-memory growth with a scavenge every ~20 MB, about 50
 * per GiB; every scavenge also promotes the requests then in flight (they live ~0.3 s), which
 * fills old space and brings mark-compacts. Reading into a reused buffer allocates nothing per
 * read and skips the stream machinery.
 *
 * Invariants:
 * - One buffer serves every such socket: libuv reads one socket at a time and hands the bytes to
 *   the reader synchronously, so the bytes are only valid during the reader's call. Readers copy
 *   what they keep (FrameDecoder's `volatile` mode).
 * - Bytes that arrive while no reader is attached are held (copied) and handed to the next
 *   reader, in order; nothing is dropped.
 * - Incoming sockets are accepted by net.Server, which has no `onread`; they keep 'data' events.
 * - Issue 20: all these sockets together take at most READ_TURN_BUDGET_BYTES (plus the read that
 *   crosses it) per turn of the event loop; a socket over the budget stops reading until the
 *   turn's check phase, and resumes unless someone paused it meanwhile. Nothing is dropped: the
 *   bytes wait in the kernel.
 */
import net from 'node:net';
import { pageAlignedBytes } from '../hash/aligned-buffer';

/**
 * One per process, and large, so a fast peer's backlog comes in one read. That matters to TCP:
 * the kernel grows a socket's receive window to twice what the reader takes in one round trip,
 * and with 256 KiB reads ours stayed at ~7.8 MB against libtorrent's 20-33 MB, so a libtorrent
 * seeder spent 5% of its sending time waiting on our window (ss: rwnd_limited) against 2% for
 * its own leecher. With 4 MiB reads it reached ~12 MB. A/B in the download bench, 4 rounds of 3
 * runs (256 KiB against 4 MiB): leecher CPU 3.27-3.64 against 2.97-3.37 s/GiB, event-loop lag
 * p99 40-55 against 24-32 ms, throughput ratio 0.94-1.03x against 0.93-1.04x.
 */
export const SHARED_READ_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * Issue 20: bytes the shared-buffer sockets may take in one turn of the event loop. libuv reads a
 * readable socket up to 32 times in a row while bytes keep coming, so with a peer that sends
 * faster than we decode (loopback, a fast seeder) one turn took 32 reads of up to 4 MiB each:
 * measured in a loopback test with a sender process, up to 128 MiB and 650-880 ms in one turn,
 * with timers and worker replies waiting behind it; with this budget, 4 MiB and one read. One
 * full read: with a turn's work at about 4 ms of decoding, the event loop keeps its 20 ms target.
 */
export const READ_TURN_BUDGET_BYTES = SHARED_READ_BUFFER_BYTES;

let shared: Buffer | null = null;
/**
 * The same bytes as a plain Uint8Array (issue 20): readers get views of this, not of the Buffer.
 * A Buffer's subarray goes through its subclass constructor, ~6x slower than a Uint8Array's
 * (measured here: 394 against 63 ns), and the decoder takes one per received block.
 */
let sharedView: Uint8Array | null = null;
/** Bytes taken in this turn, and the check-phase callback that ends the turn. */
let turnBytes = 0;
let turnEnd: NodeJS.Immediate | null = null;
/** Sockets that stopped reading for the rest of the turn. */
const yielded = new Set<net.Socket>();

function endTurn(): void {
  turnEnd = null;
  turnBytes = 0;
  for (const socket of yielded) {
    // Paused meanwhile by its owner (isPaused): its own resume() starts reading again.
    if (!socket.destroyed && !socket.isPaused()) socket.resume();
  }
  yielded.clear();
}

function sharedBuffer(): Buffer {
  // Page-aligned (issue 20): the kernel's copy of received bytes into a buffer that starts 16
  // bytes into a page (where a large Buffer.allocUnsafe starts) costs this CPU about twice the
  // system time; see pageAlignedBytes. Measured on loopback, 2 GiB through one socket: system
  // time 1.29-1.53 s into an allocUnsafe buffer, 0.54-0.98 s into an aligned one.
  if (shared === null) {
    const aligned = pageAlignedBytes(SHARED_READ_BUFFER_BYTES);
    shared = Buffer.from(aligned.buffer, aligned.byteOffset, aligned.length);
  }
  sharedView ??= new Uint8Array(shared.buffer, shared.byteOffset, shared.length);
  return shared;
}

/** Receives bytes valid only for the duration of the call. */
export type VolatileReader = (chunk: Uint8Array) => void;

/** A socket whose reads go to one attached reader instead of 'data' events. */
export interface VolatileReads {
  /** Attaches the reader (replacing any), or detaches with null. */
  attach(reader: VolatileReader | null): void;
}

export interface DialedSocket {
  socket: net.Socket;
  reads: VolatileReads;
}

/** net.connect with reads into the shared buffer. */
export function dialShared(host: string, port: number): DialedSocket {
  let reader: VolatileReader | null = null;
  const held: Buffer[] = [];
  const socket = net.connect({
    host,
    port,
    onread: {
      buffer: sharedBuffer(),
      callback: (bytes: number, buf: Uint8Array): boolean => {
        // Node hands back the buffer it was given: the shared one, whose plain view is sharedView.
        const chunk =
          buf === shared && sharedView ? sharedView.subarray(0, bytes) : buf.subarray(0, bytes);
        if (reader) reader(chunk);
        else held.push(Buffer.from(chunk));
        turnBytes += bytes;
        turnEnd ??= setImmediate(endTurn);
        if (turnBytes < READ_TURN_BUDGET_BYTES || socket.destroyed) return true;
        // Returning false stops this socket's reads (Node's onread); endTurn resumes it.
        yielded.add(socket);
        return false;
      },
    },
  });
  return {
    socket,
    reads: {
      attach(r: VolatileReader | null): void {
        reader = r;
        // Held copies are owned, so passing them as volatile only costs a redundant copy. The
        // reader may detach or be replaced meanwhile: what it did not get stays held, in order.
        while (r !== null && reader === r && held.length > 0) r(held.shift() as Buffer);
      },
    },
  };
}
