/**
 * The sandboxed preload (bundled to CommonJS): exposes ONLY the contract's allow-list as
 * `window.swarmscope` (docs/ARCHITECTURE.md section 5). No ipcRenderer, no Node, no event objects
 * cross into the page.
 *
 * `invoke` resolves with the result or rejects with a plain `{ code, message }` (plain objects
 * survive the context bridge; an Error's extra properties would not).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import {
  commandNames,
  eventNames,
  type CommandName,
  type DesktopBridge,
  type EventName,
  type Events,
  type Req,
  type Res,
  type SwarmscopeApi,
} from '../../../src-shared/contract';
import type { IpcReply } from './ipc';

const allowedCommands = new Set<string>(commandNames);
const allowedEvents = new Set<string>(eventNames);

export const swarmscopeApi: SwarmscopeApi = {
  async invoke<K extends CommandName>(name: K, req: Req<K>): Promise<Res<K>> {
    if (typeof name !== 'string' || !allowedCommands.has(name)) {
      throw { code: 'unknown-command', message: `unknown command: ${String(name).slice(0, 64)}` };
    }
    const reply = (await ipcRenderer.invoke(name, req)) as IpcReply<Res<K>>;
    if (reply.ok) return reply.result;
    throw { code: reply.error.code, message: reply.error.message };
  },
  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void {
    if (typeof name !== 'string' || !allowedEvents.has(name)) {
      throw new Error(`unknown event: ${String(name).slice(0, 64)}`);
    }
    if (typeof listener !== 'function') throw new Error('listener must be a function');
    const wrapped = (_event: unknown, payload: Events[K]): void => listener(payload);
    ipcRenderer.on(name, wrapped);
    return () => {
      ipcRenderer.removeListener(name, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('swarmscope', swarmscopeApi);

// --- desktop drop (issue 19) ---
/**
 * A dropped file's or folder's path, so that dropping data seeds it from where it is instead of
 * uploading a copy. Only a real File can have one: anything else answers '' rather than
 * throwing across the bridge.
 */
export const desktopBridge: DesktopBridge = {
  pathForFile(file: unknown): string {
    if (typeof File === 'undefined' || !(file instanceof File)) return '';
    try {
      return webUtils.getPathForFile(file);
    } catch {
      return '';
    }
  },
};

contextBridge.exposeInMainWorld('swarmscopeDesktop', desktopBridge);
