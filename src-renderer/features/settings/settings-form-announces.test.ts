import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src-shared/model';
import { toForm, toPatch } from './settings-form';

const current = defaultSettings('/home/me/Downloads');

describe('settings form: tracker announces at once (issue 20)', () => {
  it('shows the setting, sends it only when changed, and refuses what the host would', () => {
    expect(toForm(current).maxConcurrentAnnounces).toBe('20');
    expect(toPatch(toForm(current), current).patch).toEqual({});
    expect(toPatch({ ...toForm(current), maxConcurrentAnnounces: ' 50 ' }, current).patch).toEqual({
      maxConcurrentAnnounces: 50,
    });
    for (const bad of ['0', '501', '2.5', 'many']) {
      const r = toPatch({ ...toForm(current), maxConcurrentAnnounces: bad }, current);
      expect(r.patch).toBeNull();
      expect(r.errors?.maxConcurrentAnnounces).toMatch(/whole number|Between 1 and 500/);
    }
  });
});
