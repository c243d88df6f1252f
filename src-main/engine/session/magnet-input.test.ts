import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { magnetAddOptions, magnetInput, magnetPreview } from './magnet-input';

const HEX = 'c12fe1c06bba254a9dc9f519b335aa7c1367a88a';

describe('magnet input', () => {
  it('names what is wrong with a bad link, as an invalid-torrent EngineError', () => {
    let caught: unknown;
    try {
      magnetInput('magnet:?dn=x');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EngineError);
    expect((caught as EngineError).code).toBe('invalid-torrent');
    expect((caught as Error).message).toBe(
      'not a valid magnet link: magnet.xt: missing urn:btih info-hash',
    );
  });

  it('previews what the link says and nothing more', () => {
    const m = magnetInput(`magnet:?xt=urn:btih:${HEX}&dn=Name&tr=udp://t:1&tr=http://h/a`);
    expect(magnetPreview(m, (id) => id === HEX)).toMatchObject({
      id: HEX,
      name: 'Name',
      sizeBytes: 0,
      files: [],
      trackers: [['udp://t:1'], ['http://h/a']],
      alreadyAdded: true,
    });
  });

  it('so= (BEP 53) skips the files it does not name; chooseFiles adds paused', () => {
    const m = magnetInput(`magnet:?xt=urn:btih:${HEX}&so=0,2-3`);
    expect(magnetAddOptions(m, {}, 6)).toEqual({ paused: false, skipFiles: [1, 4, 5] });
    expect(magnetAddOptions(m, { skipFiles: [0] }, 6)).toEqual({ paused: false, skipFiles: [0] });
    const all = magnetInput(`magnet:?xt=urn:btih:${HEX}`);
    expect(magnetAddOptions(all, { chooseFiles: true }, 6)).toEqual({
      chooseFiles: true,
      paused: true,
    });
  });
});
