import { describe, expect, it } from 'vitest';
import type { TorrentSummary } from '../../../src-shared/model';
import { trackerHost } from '../../lib/tracker-host';
import { sortTorrents } from '../../store/selectors';
import {
  availabilityText,
  labelText,
  addedText,
  completedText,
  formatDateTime,
  savePathText,
  trackerText,
} from './column-values';

function summary(id: string, extra: Partial<TorrentSummary> = {}): TorrentSummary {
  return {
    id: id.repeat(40).slice(0, 40),
    name: id,
    sizeBytes: 1,
    progress: 0,
    state: 'downloading',
    error: null,
    checkProgress: 0,
    downRateBps: 0,
    upRateBps: 0,
    downloadedBytes: 0,
    uploadedBytes: 0,
    etaSec: null,
    peers: 0,
    seeds: 0,
    ratio: 0,
    pieceCount: 1,
    pieceLength: 1,
    verifiedPieces: 0,
    savePath: '/d',
    addedAt: 0,
    completedAt: null,
    magnet: 'magnet:?xt=urn:btih:' + id.repeat(40).slice(0, 40),
    private: false,
    ...extra,
  };
}

const utc = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'short',
  timeStyle: 'short',
  timeZone: 'UTC',
});

describe('column values (issue 21)', () => {
  it('formats Added and Completed as a date and time, or a dash', () => {
    const t = summary('a', { addedAt: Date.UTC(2026, 11, 7, 21, 5), progress: 1 });
    expect(addedText(t, utc)).toBe('07/12/2026, 21:05');
    expect(formatDateTime(null, utc)).toBe('—');
    expect(formatDateTime(0, utc)).toBe('—');
    expect(completedText({ ...t, completedAt: Date.UTC(2026, 0, 2, 3, 4) }, utc)).toBe(
      '02/01/2026, 03:04',
    );
    // A download that is not finished has no completion time, even one left from before.
    expect(completedText({ ...t, progress: 0.5, completedAt: 1 }, utc)).toBe('—');
  });

  it('reads the first tracker host from the magnet link', () => {
    const m = (tr: string) => `magnet:?xt=urn:btih:${'a'.repeat(40)}&${tr}`;
    expect(trackerHost(m('tr=http%3A%2F%2Ftracker.example%3A6969%2Fannounce'))).toBe(
      'tracker.example',
    );
    expect(trackerHost(m('tr=udp://first.example:80&tr=http://second.example/a'))).toBe(
      'first.example',
    );
    expect(trackerHost(m('tr=http%3A%2F%2F%5B%3A%3A1%5D%3A6969%2Fannounce'))).toBe('::1');
    expect(trackerHost(m('dn=x'))).toBe('');
    expect(trackerHost(m('tr=not%20a%20url'))).toBe('');
    expect(trackerHost('')).toBe('');
    expect(trackerText(summary('a'))).toBe('—');
    expect(savePathText(summary('a', { savePath: '/data/x' }))).toBe('/data/x');
  });

  it('sorts by the new columns', () => {
    const list = new Map(
      [
        summary('a', {
          progress: 1,
          completedAt: 300,
          savePath: '/z',
          magnet: 'magnet:?tr=http://c.example/',
        }),
        summary('b', {
          progress: 1,
          completedAt: 100,
          savePath: '/a',
          magnet: 'magnet:?tr=http://a.example/',
        }),
        summary('c', {
          progress: 0.5,
          completedAt: null,
          savePath: '/m',
          magnet: 'magnet:?tr=http://b.example/',
        }),
      ].map((t) => [t.id, t]),
    );
    const names = (key: 'completed' | 'savePath' | 'tracker') =>
      sortTorrents(list, { key, dir: 'asc' }).map((t) => t.name);
    expect(names('completed')).toEqual(['b', 'a', 'c']);
    expect(names('savePath')).toEqual(['b', 'c', 'a']);
    expect(names('tracker')).toEqual(['b', 'c', 'a']);
  });
});

describe('availabilityText (issue 21)', () => {
  it('shows distributed copies to three decimals, and a dash when there is none', () => {
    const t = { availability: 2.25 } as unknown as Parameters<typeof availabilityText>[0];
    expect(availabilityText(t)).toBe('2.250');
    expect(availabilityText({} as Parameters<typeof availabilityText>[0])).toBe('—');
  });
});

describe('labelText (issue 21)', () => {
  it('shows the label, and a dash for none', () => {
    expect(labelText({ label: 'Linux ISOs' } as Parameters<typeof labelText>[0])).toBe(
      'Linux ISOs',
    );
    expect(labelText({ label: null } as Parameters<typeof labelText>[0])).toBe('—');
  });
});
