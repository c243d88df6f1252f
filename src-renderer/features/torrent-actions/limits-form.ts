/**
 * The Limits… dialog's fields (issue 21) as text, to and from the contract's `TorrentLimits`.
 * Rates are in KiB/s in the form and bytes per second in the contract; empty means "none".
 */
import type { SeedLimitAction, TorrentLimits } from '../../../src-shared/model';
import { maxRatioLimit, maxSeedTimeLimitMin } from '../../../src-shared/model';

export interface LimitsForm {
  downKiB: string;
  upKiB: string;
  maxPeers: string;
  /** 'global' follows the Settings' seed-ratio limit; 'none' never stops; 'own' uses `ratio`. */
  ratioMode: 'global' | 'none' | 'own';
  ratio: string;
  seedMinutes: string;
  onLimit: SeedLimitAction;
}

export function limitsToForm(l: TorrentLimits): LimitsForm {
  const kib = (bps: number): string => (bps > 0 ? String(Math.round(bps / 1024)) : '');
  return {
    downKiB: kib(l.downBps),
    upKiB: kib(l.upBps),
    maxPeers: l.maxPeers > 0 ? String(l.maxPeers) : '',
    ratioMode: l.ratioLimit === null ? 'global' : l.ratioLimit === 0 ? 'none' : 'own',
    ratio: l.ratioLimit !== null && l.ratioLimit > 0 ? String(l.ratioLimit) : '',
    seedMinutes: l.seedTimeLimitMin ? String(l.seedTimeLimitMin) : '',
    onLimit: l.onLimit,
  };
}

export type LimitsResult = { ok: true; limits: TorrentLimits } | { ok: false; problem: string };

function whole(text: string, what: string, max: number): number | string {
  const s = text.trim();
  if (s === '') return 0;
  if (!/^\d+$/.test(s)) return `${what} is a whole number (empty for no limit).`;
  const n = Number(s);
  if (n > max) return `${what} is at most ${max}.`;
  return n;
}

export function formToLimits(f: LimitsForm): LimitsResult {
  const down = whole(f.downKiB, 'The download limit', 10_000_000);
  if (typeof down === 'string') return { ok: false, problem: down };
  const up = whole(f.upKiB, 'The upload limit', 10_000_000);
  if (typeof up === 'string') return { ok: false, problem: up };
  const peers = whole(f.maxPeers, 'Max peers', 65535);
  if (typeof peers === 'string') return { ok: false, problem: peers };
  const minutes = whole(f.seedMinutes, 'The seeding time', maxSeedTimeLimitMin);
  if (typeof minutes === 'string') return { ok: false, problem: minutes };
  let ratioLimit: number | null = null;
  if (f.ratioMode === 'none') ratioLimit = 0;
  if (f.ratioMode === 'own') {
    const r = Number(f.ratio.trim());
    if (f.ratio.trim() === '' || !Number.isFinite(r) || r <= 0 || r > maxRatioLimit)
      return { ok: false, problem: `The ratio is a number above 0, at most ${maxRatioLimit}.` };
    ratioLimit = r;
  }
  return {
    ok: true,
    limits: {
      downBps: down * 1024,
      upBps: up * 1024,
      maxPeers: peers,
      ratioLimit,
      seedTimeLimitMin: minutes > 0 ? minutes : null,
      onLimit: f.onLimit,
    },
  };
}
