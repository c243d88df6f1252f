/**
 * The New lab swarm dialog's form (issue 19), pure: text fields as typed, turned into a LabConfig
 * (with the shared caps' messages) or the first problem to show.
 */
import { defaultLabConfig, labConfigError } from '../../../src-shared/model';
import type { LabConfig } from '../../../src-shared/model';

export interface LabForm {
  source: 'generated' | 'file';
  sizeMiB: string;
  filePath: string;
  leechers: string;
  seeders: string;
  freeloaders: string;
  corrupt: string;
  /** KiB/s, empty or 0 for unlimited. */
  uploadLimitKiBps: string;
  arrivalSpreadSec: string;
  churnPerMin: string;
}

export const defaultLabForm: LabForm = {
  source: 'generated',
  sizeMiB: String(defaultLabConfig.sizeMiB),
  filePath: '',
  leechers: String(defaultLabConfig.leechers),
  seeders: String(defaultLabConfig.seeders),
  freeloaders: '0',
  corrupt: '0',
  uploadLimitKiBps: '0',
  arrivalSpreadSec: '0',
  churnPerMin: '0',
};

function num(text: string, label: string): number {
  const t = text.trim();
  if (t === '') return 0;
  if (!/^\d+(\.\d+)?$/.test(t)) throw new Error(`${label} must be a number`);
  return Number(t);
}

export function labConfigFromForm(f: LabForm): { config: LabConfig } | { error: string } {
  try {
    const config: LabConfig = {
      ...defaultLabConfig,
      sizeMiB: f.source === 'generated' ? num(f.sizeMiB, 'Size') : defaultLabConfig.sizeMiB,
      filePath: f.source === 'file' ? f.filePath.trim() : null,
      leechers: num(f.leechers, 'Leechers'),
      seeders: num(f.seeders, 'Seeders'),
      freeloaders: num(f.freeloaders, 'Freeloaders'),
      corrupt: num(f.corrupt, 'Corrupt peers'),
      uploadLimitBps: Math.round(num(f.uploadLimitKiBps, 'Upload limit') * 1024),
      arrivalSpreadSec: num(f.arrivalSpreadSec, 'Arrival spread'),
      churnPerMin: num(f.churnPerMin, 'Churn'),
    };
    if (config.filePath === '') return { error: 'Choose a file to share' };
    const problem = labConfigError(config);
    if (problem) return { error: problem.charAt(0).toUpperCase() + problem.slice(1) };
    return { config };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
