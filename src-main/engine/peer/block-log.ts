/**
 * Coalesces a peer's block-level log events. Requests and pieces, either way, come by the tens
 * of thousands per second: consecutive ones of one kind for the same piece are logged as one
 * event ("piece 12: 64 blocks, 1048576 bytes") when that kind moves to another piece, or when
 * the owner flushes (before any other event, on its tick and at close). Each of the four kinds
 * has its own run, so a seeder's alternating requests in and pieces out still coalesce.
 *
 * Invariant: every block added is counted in exactly one emitted event, in order per kind.
 */
import type { PeerEventType } from '../../../src-shared/model';
import type { Message } from '../wire/message';

export interface PeerLogEntry {
  dir: 'in' | 'out' | 'local';
  type: PeerEventType;
  detail: string;
}

export type BlockDir = 'in' | 'out';
export type BlockKind = 'request' | 'piece';

/** Consecutive block-level events of one kind for one piece, not logged yet. */
interface BlockRun {
  dir: BlockDir;
  type: BlockKind;
  index: number;
  blocks: number;
  bytes: number;
}

export class BlockLog {
  private readonly emit: (e: PeerLogEntry) => void;
  private readonly runs: (BlockRun | null)[] = [null, null, null, null];
  private pending = 0;

  constructor(emit: (e: PeerLogEntry) => void) {
    this.emit = emit;
  }

  add(dir: BlockDir, type: BlockKind, index: number, bytes: number): void {
    const slot = (dir === 'in' ? 0 : 2) + (type === 'request' ? 0 : 1);
    const run = this.runs[slot];
    if (run && run.index === index) {
      run.blocks++;
      run.bytes += bytes;
      return;
    }
    if (run) this.emitRun(run);
    else this.pending++;
    this.runs[slot] = { dir, type, index, blocks: 1, bytes };
  }

  /** Emits every run not logged yet. Cheap when there is none (called before every event). */
  flush(): void {
    if (this.pending === 0) return;
    this.pending = 0;
    for (let i = 0; i < this.runs.length; i++) {
      const run = this.runs[i];
      if (!run) continue;
      this.runs[i] = null;
      this.emitRun(run);
    }
  }

  private emitRun(run: BlockRun): void {
    const blocks = run.blocks === 1 ? '1 block' : `${run.blocks} blocks`;
    this.emit({
      dir: run.dir,
      type: run.type,
      detail: `piece ${run.index}: ${blocks}, ${run.bytes} bytes`,
    });
  }
}

/** The log line for a message we send, or null for those not logged one by one. */
export function describeSent(m: Message): { type: PeerEventType; detail: string } | null {
  switch (m.type) {
    case 'request':
    case 'cancel':
    case 'reject':
      return { type: m.type, detail: `${m.index}:${m.begin}+${m.length}` };
    case 'have':
    case 'allowed-fast':
      return { type: m.type, detail: String(m.index) };
    case 'bitfield':
      return { type: 'bitfield', detail: `${m.bits.length} bytes` };
    case 'have-all':
    case 'have-none':
      return { type: 'bitfield', detail: m.type };
    case 'choke':
    case 'unchoke':
    case 'interested':
    case 'not-interested':
      return { type: m.type, detail: '' };
    case 'extended':
      return { type: 'extended', detail: `id ${m.extId}, ${m.payload.length} bytes` };
    case 'keep-alive':
    case 'piece':
    case 'port':
    case 'suggest':
      return null;
    default: {
      const unreachable: never = m;
      throw new TypeError(`unhandled message ${JSON.stringify(unreachable)}`);
    }
  }
}
