/**
 * The seed dialog's options as the user types them, turned into `seed.create` requests. Pure;
 * unit-tested.
 *
 * Invariants: tracker URLs are one per line (blank lines and surrounding spaces ignored,
 * duplicates kept once); anything that is not an http(s) or udp URL is reported back by line
 * instead of being sent, so the host's validator never has to refuse what the form accepted.
 */
import type { CreateSeedRequest } from '../../../src-shared/contract';
import type { TrackerServerStats } from '../../../src-shared/model';

export interface SeedOptionsForm {
  trackersText: string;
  private: boolean;
  comment: string;
}

export interface ParsedTrackers {
  urls: string[];
  /** The lines that are not tracker URLs, as typed. */
  invalid: string[];
}

const trackerUrl = /^(https?|udp):\/\/[^\s/?#]+/i;

export function parseTrackers(text: string): ParsedTrackers {
  const urls: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length === 0) continue;
    if (!trackerUrl.test(line)) invalid.push(line);
    else if (!urls.includes(line)) urls.push(line);
  }
  return { urls, invalid };
}

/** The embedded tracker's URLs, preselected when it runs; nothing when it does not. */
export function defaultSeedOptions(tracker: TrackerServerStats | null): SeedOptionsForm {
  return {
    trackersText: tracker?.running ? tracker.announceUrls.join('\n') : '',
    private: false,
    comment: '',
  };
}

export function seedRequests(
  paths: readonly string[],
  form: SeedOptionsForm,
): { requests: CreateSeedRequest[]; invalid: string[] } {
  const { urls, invalid } = parseTrackers(form.trackersText);
  const comment = form.comment.trim();
  const requests = paths.map((path) => {
    const req: CreateSeedRequest = { path, trackers: urls, private: form.private };
    if (comment.length > 0) req.comment = comment;
    return req;
  });
  return { requests, invalid };
}

/** "/home/me/Videos/film.mkv" -> "film.mkv" (either separator; the host may be Windows). */
export function baseName(p: string): string {
  const parts = p.split(/[\\/]+/).filter((s) => s.length > 0);
  return parts[parts.length - 1] ?? p;
}
