/**
 * The Settings' queue section (issue 21) as text fields, to and from `settings.set`'s patch.
 * Empty or 0 means "no limit".
 */
import type { SeedLimitAction, Settings } from '../../../src-shared/model';
import { maxRatioLimit } from '../../../src-shared/model';

export interface QueueForm {
  downloads: string;
  seeds: string;
  ratio: string;
  action: SeedLimitAction;
}

export type QueuePatch = Pick<
  Settings,
  'maxActiveDownloads' | 'maxActiveSeeds' | 'seedRatioLimit' | 'seedLimitAction'
>;

export function queueForm(s: QueuePatch): QueueForm {
  return {
    downloads: s.maxActiveDownloads > 0 ? String(s.maxActiveDownloads) : '',
    seeds: s.maxActiveSeeds > 0 ? String(s.maxActiveSeeds) : '',
    ratio: s.seedRatioLimit > 0 ? String(s.seedRatioLimit) : '',
    action: s.seedLimitAction,
  };
}

export function queuePatch(
  f: QueueForm,
): { ok: true; patch: QueuePatch } | { ok: false; problem: string } {
  const count = (text: string, what: string): number | string => {
    const t = text.trim();
    if (t === '') return 0;
    if (!/^\d+$/.test(t) || Number(t) > 10_000)
      return `${what} is a whole number up to 10000 (empty for no limit).`;
    return Number(t);
  };
  const downloads = count(f.downloads, 'Active downloads');
  if (typeof downloads === 'string') return { ok: false, problem: downloads };
  const seeds = count(f.seeds, 'Active seeds');
  if (typeof seeds === 'string') return { ok: false, problem: seeds };
  const r = f.ratio.trim() === '' ? 0 : Number(f.ratio.trim());
  if (!Number.isFinite(r) || r < 0 || r > maxRatioLimit)
    return {
      ok: false,
      problem: `The seed ratio is a number from 0 to ${maxRatioLimit} (empty for none).`,
    };
  return {
    ok: true,
    patch: {
      maxActiveDownloads: downloads,
      maxActiveSeeds: seeds,
      seedRatioLimit: r,
      seedLimitAction: f.action,
    },
  };
}
