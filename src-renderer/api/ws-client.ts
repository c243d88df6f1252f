/**
 * The renderer's client for the web host's WebSocket (/ws), typed by SwarmscopeApi.
 *
 * Invariants:
 * - Frames are binary (src-shared/wire-frame.ts), so typed arrays arrive as typed arrays.
 * - It reconnects with capped backoff; requests made while disconnected wait for the socket up to
 *   `requestTimeoutMs`, and every request settles (result, error or timeout).
 * - Connection changes are reported so sync can take a fresh snapshot after a reconnect.
 */
import type {
  CommandName,
  EventName,
  Events,
  Req,
  Res,
  SwarmscopeApi,
} from '../../src-shared/contract';
import { decodeFrame, encodeFrame } from '../../src-shared/wire-frame';
import { ApiError, toApiError } from './api-error';

export type ConnectionListener = (status: 'open' | 'closed') => void;

export interface WsClientOptions {
  url: string;
  requestTimeoutMs?: number;
  /** Longest wait between reconnect attempts. */
  maxBackoffMs?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: ApiError): void;
  timer: ReturnType<typeof setTimeout>;
}

export class WsClient implements SwarmscopeApi {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly outbox: { id: number; frame: Uint8Array<ArrayBuffer> }[] = [];
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();
  private readonly connectionListeners = new Set<ConnectionListener>();
  private backoffMs = 250;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly requestTimeoutMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly opts: WsClientOptions) {
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 120_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 5_000;
    this.connect();
  }

  invoke<K extends CommandName>(name: K, req: Req<K>): Promise<Res<K>> {
    const id = this.nextId++;
    let frame: Uint8Array<ArrayBuffer>;
    try {
      frame = encodeFrame({ id, name, payload: req });
    } catch (err) {
      return Promise.reject(toApiError(err));
    }
    return new Promise<Res<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const queued = this.outbox.findIndex((o) => o.id === id);
        if (queued >= 0) this.outbox.splice(queued, 1);
        reject(new ApiError('io', `${name}: no answer from the host`));
      }, this.requestTimeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
      else this.outbox.push({ id, frame });
    });
  }

  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    const fn = listener as (payload: never) => void;
    set.add(fn);
    return () => set.delete(fn);
  }

  onConnection(listener: ConnectionListener): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.ws?.close();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ApiError('cancelled', 'the connection was closed'));
      this.pending.delete(id);
    }
  }

  private connect(): void {
    const ws = new WebSocket(this.opts.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.backoffMs = 250;
      for (const { frame } of this.outbox.splice(0)) ws.send(frame);
      for (const fn of this.connectionListeners) fn('open');
    };
    ws.onmessage = (ev: MessageEvent) => this.onMessage(ev.data);
    // A browser's error event carries no detail and is always followed by close, which is
    // where reconnecting happens; handling it here keeps it from surfacing as unhandled.
    ws.onerror = () => undefined;
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      for (const fn of this.connectionListeners) fn('closed');
      if (this.closed) return;
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        this.connect();
      }, this.backoffMs);
      this.backoffMs = Math.min(this.maxBackoffMs, this.backoffMs * 2);
    };
  }

  private onMessage(data: unknown): void {
    if (!(data instanceof ArrayBuffer)) return;
    let msg: Record<string, unknown>;
    try {
      msg = decodeFrame(new Uint8Array(data)) as Record<string, unknown>;
    } catch (err) {
      console.error('swarmscope: unreadable frame from the host', err);
      return;
    }
    if (typeof msg.event === 'string') {
      for (const fn of this.listeners.get(msg.event as EventName) ?? []) {
        (fn as (payload: unknown) => void)(msg.payload);
      }
      return;
    }
    if (msg.id === null) {
      console.error('swarmscope: the host refused a frame', msg.error);
      return;
    }
    const pending = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!pending) return;
    this.pending.delete(msg.id as number);
    clearTimeout(pending.timer);
    if (msg.ok === true) pending.resolve(msg.result);
    else pending.reject(toApiError(msg.error));
  }
}

/** ws://host/ws, with the token from the page URL when present (else the cookie is used). */
export function socketUrl(location: Pick<Location, 'protocol' | 'host' | 'hash' | 'search'>) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  const fromQuery = new URLSearchParams(location.search).get('token');
  const token = fromHash ?? fromQuery;
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}://${location.host}/ws${query}`;
}
