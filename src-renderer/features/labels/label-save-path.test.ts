import { describe, expect, it } from 'vitest';
import { savePathAfterLabel } from './label-save-path';

const settings = { downloadDir: '/dl', labelSavePaths: { Movies: '/media/movies' } };

describe("the add dialog's folder follows the label (issue 21)", () => {
  it("takes the label's folder while the field holds a default", () => {
    expect(savePathAfterLabel('/dl', settings, '', 'Movies')).toBe('/media/movies');
    expect(savePathAfterLabel('', settings, '', ' Movies ')).toBe('/media/movies');
    expect(savePathAfterLabel('/media/movies', settings, 'Movies', 'Books')).toBe('/dl');
    expect(savePathAfterLabel('/media/movies', settings, 'Movies', '')).toBe('/dl');
  });

  it('keeps a folder the user chose, and waits for the settings', () => {
    expect(savePathAfterLabel('/mine', settings, '', 'Movies')).toBe('/mine');
    expect(savePathAfterLabel('/dl', null, '', 'Movies')).toBe('/dl');
  });
});
