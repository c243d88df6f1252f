/**
 * Derived views of the store, as pure functions over plain objects (unit-tested without React).
 * Components call them inside useMemo with the narrow state they select.
 */
import type { TorrentId, TorrentState, TorrentSummary } from '../../src-shared/model';
import { trackerHost } from '../lib/tracker-host'; // --- column choice (issue 21)

export type SortKey =
  | 'name'
  | 'size'
  | 'progress'
  | 'state'
  | 'down'
  | 'up'
  | 'eta'
  | 'peers'
  | 'ratio'
  | 'added'
  // --- column choice (issue 21) ---
  | 'completed'
  | 'savePath'
  | 'tracker'
  | 'availability'
  | 'label';

export interface SortSpec {
  key: SortKey;
  dir: 'asc' | 'desc';
}

/** Active states first when sorting by state: what needs attention comes up. */
const stateOrder: Record<TorrentState, number> = {
  error: 0,
  checking: 1,
  downloading: 2,
  queued: 3,
  seeding: 4,
  paused: 5,
  'fetching-metadata': 2,
  // --- explainer (issue 21): a stalled download needs attention before a moving one ---
  stalled: 1,
};

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function etaValue(t: TorrentSummary): number {
  return t.etaSec ?? Number.POSITIVE_INFINITY;
}

const compare: Record<SortKey, (a: TorrentSummary, b: TorrentSummary) => number> = {
  name: (a, b) => collator.compare(a.name, b.name),
  size: (a, b) => a.sizeBytes - b.sizeBytes,
  progress: (a, b) => a.progress - b.progress,
  state: (a, b) => stateOrder[a.state] - stateOrder[b.state],
  down: (a, b) => a.downRateBps - b.downRateBps,
  up: (a, b) => a.upRateBps - b.upRateBps,
  eta: (a, b) => {
    const x = etaValue(a);
    const y = etaValue(b);
    return x === y ? 0 : x < y ? -1 : 1;
  },
  peers: (a, b) => a.peers + a.seeds - (b.peers + b.seeds),
  ratio: (a, b) => a.ratio - b.ratio,
  added: (a, b) => a.addedAt - b.addedAt,
  // --- column choice (issue 21): unfinished torrents sort after every finished one ---
  completed: (a, b) =>
    (a.progress >= 1 ? (a.completedAt ?? 0) : Infinity) -
      (b.progress >= 1 ? (b.completedAt ?? 0) : Infinity) || 0,
  savePath: (a, b) => collator.compare(a.savePath, b.savePath),
  tracker: (a, b) => collator.compare(trackerHost(a.magnet), trackerHost(b.magnet)),
  availability: (a, b) => (a.availability ?? -1) - (b.availability ?? -1),
  label: (a, b) => collator.compare(a.label ?? '', b.label ?? ''),
};

/** A stable order: the chosen key, then the name, then the id. */
export function sortTorrents(
  torrents: ReadonlyMap<TorrentId, TorrentSummary>,
  sort: SortSpec,
): TorrentSummary[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const byKey = compare[sort.key];
  return [...torrents.values()].sort(
    (a, b) => sign * byKey(a, b) || collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1),
  );
}

export interface Totals {
  count: number;
  active: number;
  sizeBytes: number;
  downRateBps: number;
  upRateBps: number;
}

export function totals(torrents: ReadonlyMap<TorrentId, TorrentSummary>): Totals {
  const out: Totals = { count: 0, active: 0, sizeBytes: 0, downRateBps: 0, upRateBps: 0 };
  for (const t of torrents.values()) {
    out.count++;
    if (t.state === 'downloading' || t.state === 'seeding' || t.state === 'checking') out.active++;
    else if (t.state === 'stalled') out.active++; // --- explainer (issue 21): still running
    out.sizeBytes += t.sizeBytes;
    out.downRateBps += t.downRateBps;
    out.upRateBps += t.upRateBps;
  }
  return out;
}

/** The next sort when a column header is clicked: same key flips, a new key starts sensibly. */
export function nextSort(current: SortSpec, key: SortKey): SortSpec {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  const startsDescending: SortKey[] = ['size', 'progress', 'down', 'up', 'peers', 'ratio', 'added'];
  return { key, dir: startsDescending.includes(key) ? 'desc' : 'asc' };
}

export const stateLabels: Record<TorrentState, string> = {
  checking: 'Checking',
  downloading: 'Downloading',
  seeding: 'Seeding',
  paused: 'Paused',
  error: 'Error',
  queued: 'Queued',
  'fetching-metadata': 'Fetching metadata',
  stalled: 'Stalled', // --- explainer (issue 21)
};
