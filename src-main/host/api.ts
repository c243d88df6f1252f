/**
 * What both hosts share: the command handlers over the engine, the dispatcher that validates
 * and calls them, and the mapping of any error to the contract's `{ code, message }`
 * (docs/ARCHITECTURE.md section 2). The hosts (Electron IPC, the web host's WebSocket) are only
 * transports in front of this module.
 *
 * Invariants:
 * - Every request is validated with `validateRequest` before the engine sees it.
 * - Nothing thrown here crosses the boundary as anything but an ErrorPayload; an error without
 *   a contract code becomes 'internal' with its message (never its stack).
 */
import type { CommandName, Commands, DetailTopic, Req, Res } from '../../src-shared/contract';
import { isCommandName } from '../../src-shared/contract';
import { ContractError, isErrorCode, type ErrorPayload } from '../../src-shared/model';
import type { TorrentId } from '../../src-shared/model';
import { validateRequest } from '../../src-shared/validate';
import type { EngineApi } from '../engine';
import { machineAddresses } from './net-interfaces'; // --- listen interface (issues 18, 21)

export { createEventBridge } from './event-bridge';
export type { EventBridge, EventBridgeOptions, EmitEvent } from './event-bridge';

/** The per-client side of the event bridge that some commands need. */
export interface ClientChannel {
  /** The seq of the last `sync.delta` sent to this client. */
  currentSeq(): number;
  watch(id: TorrentId, topics: DetailTopic[]): void;
  unwatch(id: TorrentId): void;
}

export type Handlers = {
  [K in CommandName]: (req: Req<K>) => Promise<Awaited<ReturnType<Commands[K]>>>;
};

export type Dispatch = (name: string, payload: unknown) => Promise<unknown>;

/** One handler per command: a validated request in, the engine's answer out. */
export function createHandlers(
  engine: EngineApi,
  client?: ClientChannel,
  overrides: Partial<Handlers> = {},
): Handlers {
  const needClient = (name: string): ClientChannel => {
    if (!client) throw new ContractError('bad-request', `${name}: this host has no event channel`);
    return client;
  };
  const each = async (ids: TorrentId[], fn: (id: TorrentId) => Promise<void>): Promise<void> => {
    for (const id of ids) await fn(id);
  };
  return {
    'torrent.add': async (req) => {
      const input =
        'torrentFile' in req
          ? { torrentFile: req.torrentFile }
          : 'magnet' in req
            ? { magnet: req.magnet }
            : { path: req.path };
      const id = await engine.addTorrent(input, {
        savePath: req.savePath,
        skipFiles: req.skipFiles,
        paused: req.paused,
        chooseFiles: req.chooseFiles,
        label: req.label, // --- labels (issue 21)
      });
      return { id };
    },
    'torrent.inspect': (req) => engine.inspectTorrent(req),
    'torrent.pause': (req) => each(req.ids, (id) => engine.pause(id)),
    'torrent.resume': (req) => each(req.ids, (id) => engine.resume(id)),
    'torrent.recheck': (req) => each(req.ids, (id) => engine.recheck(id)),
    'torrent.remove': (req) => each(req.ids, (id) => engine.remove(id, req.deleteData)),
    'torrent.export': async (req) => engine.exportTorrent(req.id),
    'torrent.setFilePriority': async (req) =>
      engine.setFilePriority(req.id, req.files, req.priority),
    // --- issue 21: a host name is resolved once by the engine.
    'torrent.addPeer': (req) => engine.addPeerHost(req.id, req.address, req.port),
    'sync.snapshot': async () => ({
      seq: client?.currentSeq() ?? 0,
      torrents: engine.list(),
      session: engine.sessionStats(),
    }),
    'seed.create': async (req) => engine.createAndSeed(req),
    'job.cancel': async (req) => engine.cancelJob(req.jobId),
    'file.upload': async () => {
      throw new ContractError('bad-request', 'file.upload: this host does not accept uploads');
    },
    'fs.list': async () => {
      throw new ContractError('bad-request', 'fs.list: this host has no file browser');
    },
    'settings.get': async () => engine.getSettings(),
    'settings.set': (req) => engine.updateSettings(req),
    'tracker.start': (req) => engine.startTracker(req),
    'tracker.stop': () => engine.stopTracker(),
    'tracker.status': async () => engine.trackerStats(),
    'tracker.swarm': async (req) => engine.trackerSwarm(req.infoHash),
    'view.watch': async (req) => {
      if (engine.summary(req.id) === null) {
        throw new ContractError('not-found', `view.watch: no torrent ${req.id}`);
      }
      needClient('view.watch').watch(req.id, req.topics);
    },
    'view.unwatch': async (req) => needClient('view.unwatch').unwatch(req.id),
    // Desktop only: the Electron host overrides these (host/electron/dialogs.ts).
    'dialog.openPath': () => desktopOnly('dialog.openPath'),
    'dialog.saveTorrent': () => desktopOnly('dialog.saveTorrent'),
    'shell.showItem': () => desktopOnly('shell.showItem'),
    'clipboard.writeText': () => desktopOnly('clipboard.writeText'),
    // --- disk faults: set location (issue 15) ---
    'torrent.setLocation': (req) => engine.setLocation(req.id, req.path, req.move),
    // --- swarm lab (issue 19): hosts with a LabHost override these (src-main/lab/lab-handlers.ts)
    'lab.create': () => noLab('lab.create'),
    'lab.action': () => noLab('lab.action'),
    'lab.close': () => noLab('lab.close'),
    'lab.get': async () => ({ lab: null }),
    // --- per-torrent actions and the queue (issue 21) ---
    'torrent.reannounce': (req) => each(req.ids, async (id) => engine.reannounce(id)),
    'torrent.setTrackers': (req) => engine.setTrackers(req.id, req.tiers),
    'torrent.trackerTiers': async (req) => ({ tiers: engine.trackerTiers(req.id) }),
    'torrent.setLimits': ({ ids, ...limits }) =>
      each(ids, async (id) => engine.setLimits(id, limits)),
    'torrent.setSequential': (req) =>
      each(req.ids, async (id) => engine.setSequential(id, req.sequential, req.firstLast)),
    'torrent.queueMove': async (req) => engine.queueMove(req.ids, req.how),
    'torrent.forceStart': (req) => each(req.ids, (id) => engine.forceStart(id)),
    'shell.openPath': () => desktopOnly('shell.openPath'),
    // --- listen interface (issues 18, 21) ---
    'net.interfaces': async () => ({ addresses: machineAddresses() }),
    // --- labels (issue 21) ---
    'torrent.setLabel': (req) => each(req.ids, async (id) => engine.setLabel(id, req.label)),
    ...overrides,
  };
}

/** What a host without a desktop shell answers to the desktop-only commands. */
async function desktopOnly(name: string): Promise<never> {
  throw new ContractError('forbidden', `${name}: only the desktop app can do this`);
}

// --- swarm lab (issue 19) ---
async function noLab(name: string): Promise<never> {
  throw new ContractError('forbidden', `${name}: this host runs no swarm lab`);
}

/** Calls handler `name` with a validated request. Errors come back as ContractError. */
export async function invokeHandler<K extends CommandName>(
  handlers: Handlers,
  name: K,
  payload: unknown,
): Promise<Res<K>> {
  const req = validateRequest(name, payload);
  const handler = handlers[name] as (req: Req<K>) => Promise<Res<K>>;
  return handler(req);
}

/**
 * `dispatch(name, payload)`: unknown names are refused with 'unknown-command', payloads are
 * validated, and every failure is rethrown as a ContractError (see `toErrorPayload`).
 */
export function createDispatcher(
  engine: EngineApi,
  client?: ClientChannel,
  overrides: Partial<Handlers> = {},
): Dispatch {
  const handlers = createHandlers(engine, client, overrides);
  return async (name, payload) => {
    if (!isCommandName(name)) {
      throw new ContractError('unknown-command', `unknown command: ${String(name).slice(0, 64)}`);
    }
    try {
      return await invokeHandler(handlers, name, payload);
    } catch (err) {
      const p = toErrorPayload(err);
      throw new ContractError(p.code, p.message);
    }
  };
}

/** Node's errno codes that mean the disk or the file system refused. */
const ioErrnoCodes = new Set(['ENOENT', 'EACCES', 'EPERM', 'ENOSPC', 'EISDIR', 'ENOTDIR', 'EROFS']);

/**
 * Maps anything thrown to `{ code, message }`: contract and engine errors keep their code, a
 * metainfo error naming a `field` becomes 'invalid-torrent' naming the field, file system
 * errors become 'io', anything else 'internal' with its message.
 */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof ContractError) return err.toPayload();
  if (!(err instanceof Error)) return { code: 'internal', message: String(err) };
  const { code, field } = err as Error & { code?: unknown; field?: unknown };
  if (typeof field === 'string' && field.length > 0) {
    return { code: 'invalid-torrent', message: `invalid torrent: ${field}: ${err.message}` };
  }
  if (isErrorCode(code)) {
    return { code, message: err.message };
  }
  if (typeof code === 'string' && ioErrnoCodes.has(code)) {
    return { code: 'io', message: err.message };
  }
  return { code: 'internal', message: err.message };
}
