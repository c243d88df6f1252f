/**
 * The only code that talks to the host (docs/ARCHITECTURE.md section 1): `window.swarmscope` from
 * the Electron preload when present, else the web host's WebSocket. Both are SwarmscopeApi;
 * both reject with ApiError.
 */
import type {
  CommandName,
  EventName,
  Events,
  Req,
  Res,
  SwarmscopeApi,
} from '../../src-shared/contract';
import { toApiError } from './api-error';
import { socketUrl, WsClient, type ConnectionListener } from './ws-client';

declare global {
  interface Window {
    /** Exposed by the Electron preload (src-main/host/electron/preload.ts). */
    swarmscope?: SwarmscopeApi;
  }
}

export interface HostClient extends SwarmscopeApi {
  readonly transport: 'electron' | 'websocket';
  onConnection(listener: ConnectionListener): () => void;
}

/** Wraps the preload's API so its rejections become ApiError like the socket's. */
function electronClient(bridge: SwarmscopeApi): HostClient {
  return {
    transport: 'electron',
    async invoke<K extends CommandName>(name: K, req: Req<K>): Promise<Res<K>> {
      try {
        return await bridge.invoke(name, req);
      } catch (err) {
        throw toApiError(err);
      }
    },
    on<K extends EventName>(name: K, listener: (payload: Events[K]) => void) {
      return bridge.on(name, listener);
    },
    onConnection(listener) {
      // IPC is up as long as the window lives.
      queueMicrotask(() => listener('open'));
      return () => undefined;
    },
  };
}

function socketClient(): HostClient {
  const ws = new WsClient({ url: socketUrl(window.location) });
  return {
    transport: 'websocket',
    invoke: (name, req) => ws.invoke(name, req),
    on: (name, listener) => ws.on(name, listener),
    onConnection: (listener) => ws.onConnection(listener),
  };
}

let client: HostClient | null = null;

export function getClient(): HostClient {
  client ??= window.swarmscope ? electronClient(window.swarmscope) : socketClient();
  return client;
}
