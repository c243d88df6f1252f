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

/** Large enough that a fast peer's backlog comes in few reads; one per process. */
export const SHARED_READ_BUFFER_BYTES = 256 * 1024;

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
