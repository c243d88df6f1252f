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
 */
import net from 'node:net';

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

let shared: Buffer | null = null;

function sharedBuffer(): Buffer {
  shared ??= Buffer.allocUnsafe(SHARED_READ_BUFFER_BYTES);
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
        const chunk = buf.subarray(0, bytes);
        if (reader) reader(chunk);
        else held.push(Buffer.from(chunk));
        return true;
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
