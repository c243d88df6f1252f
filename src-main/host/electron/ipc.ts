/**
 * Electron IPC for the contract: one `ipcMain.handle` per command, through a typed `handle`
 * that checks the sender frame (our renderer page, top-level frame) and the payload
 * (validateRequest) before the shared handler runs; and one event bridge per window, pushing
 * events with webContents.send on channels named after the contract's events.
 *
 * Invariants: replies are envelopes `{ ok: true, result } | { ok: false, error }`, so the error
 * code survives IPC (Electron keeps only the message of a thrown Error); the preload unwraps
 * them. An untrusted sender gets 'forbidden' and the engine is never called.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { commandNames, type CommandName, type Req, type Res } from '../../../src-shared/contract';
import { ContractError, type ErrorPayload } from '../../../src-shared/model';
import { validateRequest } from '../../../src-shared/validate';
import type { EngineApi, Clock } from '../../engine';
import { createHandlers, toErrorPayload, type Handlers } from '../api';
import { createEventBridge, type EventBridge } from '../event-bridge';
import { isTrustedRendererUrl } from './security';
import type { LabHost } from '../../lab'; // --- swarm lab (issue 19)

export type IpcReply<T> = { ok: true; result: T } | { ok: false; error: ErrorPayload };

export interface IpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  engine: EngineApi;
  /** file:// URL of out/renderer/index.html. */
  rendererUrl: string;
  clock?: Clock;
  log?: (message: string) => void;
  /** Handlers only this host has (native dialogs, shell, clipboard: dialogs.ts). */
  handlers?: Partial<Handlers>;
  // --- swarm lab (issue 19) ---
  /** The swarm lab whose state each window receives as `lab.state`. */
  lab?: LabHost;
}

export interface IpcHost {
  /** Starts pushing events to a window's contents; stops when they are destroyed. */
  attach(contents: WebContents): void;
  /** Removes every handler and bridge. */
  dispose(): void;
}

export function registerIpc(opts: IpcOptions): IpcHost {
  /** Per window: its event bridge and the handlers bound to it (view.watch is per client). */
  const windows = new Map<number, { bridge: EventBridge; handlers: Handlers }>();
  const log = opts.log ?? (() => undefined);

  function checkSender(event: IpcMainInvokeEvent, name: string): void {
    const frame = event.senderFrame;
    const trusted =
      frame !== null && frame.parent === null && isTrustedRendererUrl(frame.url, opts.rendererUrl);
    if (!trusted) {
      log(`refused ${name} from ${frame?.url ?? 'a destroyed frame'}`);
      throw new ContractError('forbidden', `${name}: the sender is not the Swarmscope window`);
    }
  }

  /** Registers one command: sender check, validation, then `run`, answered as an envelope. */
  function handle<K extends CommandName>(
    name: K,
    run: (req: Req<K>, handlers: Handlers) => Promise<Res<K>>,
  ): void {
    opts.ipcMain.handle(name, async (event, payload: unknown): Promise<IpcReply<Res<K>>> => {
      try {
        checkSender(event, name);
        const req = validateRequest(name, payload);
        const win = windows.get(event.sender.id);
        if (!win) throw new ContractError('forbidden', `${name}: this window is not attached`);
        return { ok: true, result: await run(req, win.handlers) };
      } catch (err) {
        return { ok: false, error: toErrorPayload(err) };
      }
    });
  }

  for (const name of commandNames) {
    handle(name, (req, handlers) =>
      (handlers[name] as (req: Req<typeof name>) => Promise<Res<typeof name>>)(req),
    );
  }

  return {
    attach(contents) {
      if (windows.has(contents.id)) return;
      const id = contents.id;
      const bridge = createEventBridge(
        opts.engine,
        (name, payload) => {
          if (!contents.isDestroyed()) contents.send(name, payload);
        },
        opts.clock,
      );
      windows.set(id, { bridge, handlers: createHandlers(opts.engine, bridge, opts.handlers) });
      // --- swarm lab (issue 19) ---
      const unsubscribeLab = opts.lab?.subscribe((lab) => {
        if (!contents.isDestroyed()) contents.send('lab.state', { lab });
      });
      contents.once('destroyed', () => {
        unsubscribeLab?.();
        bridge.close();
        windows.delete(id);
      });
    },
    dispose() {
      for (const name of commandNames) opts.ipcMain.removeHandler(name);
      for (const win of windows.values()) win.bridge.close();
      windows.clear();
    },
  };
}
