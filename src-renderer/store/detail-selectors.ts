/**
 * Derived views for the torrent list and the details panel, as pure functions over plain data
 * (unit-tested without React): list filters and their counts, peer flag letters, piece counts,
 * the file tree, and the log filter.
 */
import type {
  FilePriority,
  FileProgress,
  PeerEvent,
  PeerEventType,
  PeerFlags,
  TorrentId,
  TorrentSummary,
} from '../../src-shared/model';
import { PieceState, pieceStateNames } from '../../src-shared/model';

// ---------------------------------------------------------------- list filter

export type StateFilter =
  | 'all'
  | 'downloading'
  | 'seeding'
  | 'paused'
  | 'error'
  // --- explainer (issue 21): downloading, but nothing received for 30 s ---
  | 'stalled';
export const stateFilters: readonly StateFilter[] = [
  'all',
  'downloading',
  'seeding',
  'paused',
  'error',
  'stalled', // --- explainer (issue 21)
];
export const stateFilterLabels: Record<StateFilter, string> = {
  all: 'All',
  downloading: 'Downloading',
  seeding: 'Seeding',
  paused: 'Paused',
  error: 'Error',
  stalled: 'Stalled', // --- explainer (issue 21)
};

/**
 * Checking and queued torrents, and magnets fetching their metadata, are on their way to
 * downloading, so they count there.
 */
export function matchesFilter(t: TorrentSummary, filter: StateFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'downloading':
      return (
        t.state === 'downloading' ||
        t.state === 'checking' ||
        t.state === 'queued' ||
        t.state === 'fetching-metadata' ||
        t.state === 'stalled' // --- explainer (issue 21): a stalled torrent still downloads
      );
    case 'seeding':
    case 'paused':
    case 'error':
    case 'stalled':
      return t.state === filter;
  }
}

export function filterCounts(
  torrents: ReadonlyMap<TorrentId, TorrentSummary>,
): Record<StateFilter, number> {
  const out: Record<StateFilter, number> = {
    all: 0,
    downloading: 0,
    seeding: 0,
    paused: 0,
    error: 0,
    stalled: 0,
  };
  for (const t of torrents.values()) {
    for (const f of stateFilters) if (matchesFilter(t, f)) out[f]++;
  }
  return out;
}

/** Keeps the order of `sorted`; the search matches every word in the name, ignoring case. */
export function filterTorrents(
  sorted: readonly TorrentSummary[],
  filter: StateFilter,
  search: string,
): TorrentSummary[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return sorted.filter((t) => {
    if (!matchesFilter(t, filter)) return false;
    if (words.length === 0) return true;
    const name = t.name.toLowerCase();
    return words.every((w) => name.includes(w) || t.id.startsWith(w));
  });
}

// ---------------------------------------------------------------- peers

export interface FlagInfo {
  letter: string;
  label: string;
}

/**
 * One letter per flag, in the tradition of uTorrent and qBittorrent: upper case for the active
 * form (D: downloading from it), lower case for the blocked one (d: we want, it chokes us).
 */
export const flagLegend: readonly FlagInfo[] = [
  { letter: 'D', label: 'Downloading: we are interested and it unchokes us' },
  { letter: 'd', label: 'We are interested but it chokes us' },
  { letter: 'U', label: 'Uploading: it is interested and we unchoke it' },
  { letter: 'u', label: 'It is interested but we choke it' },
  { letter: 'K', label: 'It unchokes us but we are not interested' },
  { letter: '?', label: 'We unchoke it but it is not interested' },
  { letter: 'O', label: 'Optimistic unchoke' },
  { letter: 'S', label: 'Snubbed: no block for a while' },
  { letter: 'I', label: 'Incoming: it connected to us' },
  { letter: 'E', label: 'Encrypted connection' },
  { letter: 'F', label: 'Fast Extension (BEP 6)' },
  { letter: 'X', label: 'Extension Protocol (BEP 10)' },
];

export function peerFlagLetters(f: PeerFlags): string {
  let s = '';
  if (f.amInterested) s += f.peerChoking ? 'd' : 'D';
  else if (!f.peerChoking) s += 'K';
  if (f.peerInterested) s += f.amChoking ? 'u' : 'U';
  else if (!f.amChoking) s += '?';
  if (f.optimistic) s += 'O';
  if (f.snubbed) s += 'S';
  if (f.incoming) s += 'I';
  if (f.encrypted) s += 'E';
  if (f.fast) s += 'F';
  if (f.extended) s += 'X';
  return s;
}

// ---------------------------------------------------------------- pieces

export type PieceCounts = Record<(typeof pieceStateNames)[number], number>;

export function pieceCounts(states: Uint8Array): PieceCounts {
  const raw = new Array<number>(pieceStateNames.length).fill(0);
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    if (s < raw.length) raw[s]!++;
  }
  const out = {} as PieceCounts;
  pieceStateNames.forEach((name, i) => (out[name] = raw[i]!));
  return out;
}

/** Pieces we still lack that no connected peer has: the download cannot finish without them. */
export function unavailableCount(states: Uint8Array, availability: Uint16Array): number {
  let n = 0;
  const have = PieceState.have;
  for (let i = 0; i < states.length; i++) {
    if (states[i] !== have && (availability[i] ?? 0) === 0) n++;
  }
  return n;
}

// ---------------------------------------------------------------- files

export interface FileNode {
  /** Full path within the torrent, '/'-separated; '' for the root. */
  path: string;
  name: string;
  kind: 'dir' | 'file';
  sizeBytes: number;
  doneBytes: number;
  /** A folder's priority is its files' when they agree, else 'mixed'. */
  priority: FilePriority | 'mixed';
  /** File indices at or under this node, for torrent.setFilePriority. */
  fileIndices: number[];
  children: FileNode[];
}

/** Builds the folder tree of a torrent's files; folders first, then by name. */
export function buildFileTree(files: readonly FileProgress[]): FileNode {
  const root: FileNode = {
    path: '',
    name: '',
    kind: 'dir',
    sizeBytes: 0,
    doneBytes: 0,
    priority: 'normal',
    fileIndices: [],
    children: [],
  };
  const dirs = new Map<string, FileNode>([['', root]]);
  for (const f of files) {
    const parts = f.path.split('/').filter(Boolean);
    let parent = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts.slice(0, i + 1).join('/');
      let dir = dirs.get(p);
      if (!dir) {
        dir = {
          path: p,
          name: parts[i]!,
          kind: 'dir',
          sizeBytes: 0,
          doneBytes: 0,
          priority: f.priority,
          fileIndices: [],
          children: [],
        };
        dirs.set(p, dir);
        parent.children.push(dir);
      }
      parent = dir;
    }
    parent.children.push({
      path: parts.join('/'),
      name: parts[parts.length - 1] ?? f.path,
      kind: 'file',
      sizeBytes: f.sizeBytes,
      doneBytes: f.sizeBytes * f.progress,
      priority: f.priority,
      fileIndices: [f.index],
      children: [],
    });
  }
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const finish = (node: FileNode): void => {
    if (node.kind === 'file') return;
    node.children.sort((a, b) =>
      a.kind === b.kind ? collator.compare(a.name, b.name) : a.kind === 'dir' ? -1 : 1,
    );
    node.sizeBytes = 0;
    node.doneBytes = 0;
    node.fileIndices = [];
    const prios = new Set<FilePriority | 'mixed'>();
    for (const c of node.children) {
      finish(c);
      node.sizeBytes += c.sizeBytes;
      node.doneBytes += c.doneBytes;
      node.fileIndices.push(...c.fileIndices);
      prios.add(c.priority);
    }
    node.priority = prios.size === 1 ? [...prios][0]! : prios.size === 0 ? 'normal' : 'mixed';
  };
  finish(root);
  return root;
}

export interface FileRow {
  node: FileNode;
  depth: number;
}

/** The rows shown: the tree flattened, skipping the children of collapsed folders. */
export function flattenFileTree(root: FileNode, collapsed: ReadonlySet<string>): FileRow[] {
  const out: FileRow[] = [];
  const walk = (node: FileNode, depth: number): void => {
    for (const c of node.children) {
      out.push({ node: c, depth });
      if (c.kind === 'dir' && !collapsed.has(c.path)) walk(c, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

// ---------------------------------------------------------------- log

export interface LogFilter {
  /** A peer key (`address:port`), or null for all. */
  peer: string | null;
  /** Types shown; empty means all. */
  types: ReadonlySet<PeerEventType>;
}

export function filterLog(log: readonly PeerEvent[], f: LogFilter): readonly PeerEvent[] {
  if (f.peer === null && f.types.size === 0) return log;
  return log.filter(
    (e) => (f.peer === null || e.peer === f.peer) && (f.types.size === 0 || f.types.has(e.type)),
  );
}

/** Distinct peers in the log, in order of first appearance. */
export function logPeers(log: readonly PeerEvent[]): string[] {
  const seen = new Set<string>();
  for (const e of log) if (e.peer) seen.add(e.peer);
  return [...seen];
}
