import { describe, expect, it } from 'vitest';
import { defaultLabForm, labConfigFromForm } from './lab-form';

describe('lab form', () => {
  it('turns the defaults into a config', () => {
    expect(labConfigFromForm(defaultLabForm)).toEqual({
      config: expect.objectContaining({ sizeMiB: 16, leechers: 8, seeders: 1, filePath: null }),
    });
  });

  it('reads KiB/s and a file', () => {
    const r = labConfigFromForm({
      ...defaultLabForm,
      source: 'file',
      filePath: ' /data/a.iso ',
      uploadLimitKiBps: '512',
    });
    expect(r).toMatchObject({ config: { filePath: '/data/a.iso', uploadLimitBps: 524288 } });
  });

  it('names the first problem', () => {
    expect(labConfigFromForm({ ...defaultLabForm, leechers: '60' })).toEqual({
      error: 'Leechers must be a whole number from 1 to 50',
    });
    expect(labConfigFromForm({ ...defaultLabForm, seeders: 'two' })).toEqual({
      error: 'Seeders must be a number',
    });
    expect(labConfigFromForm({ ...defaultLabForm, source: 'file' })).toEqual({
      error: 'Choose a file to share',
    });
  });
});
