import { describe, expect, it } from 'vitest';
import { allowedFastSet } from './allowed-fast';

describe('BEP 6 allowed-fast set', () => {
  const infoHash = new Uint8Array(20).fill(0xaa);

  it('matches the BEP 6 examples (80.4.4.200, 1313 pieces)', () => {
    expect(allowedFastSet('80.4.4.200', infoHash, 1313, 7)).toEqual([
      1059, 431, 808, 1217, 287, 376, 1188,
    ]);
    expect(allowedFastSet('80.4.4.200', infoHash, 1313, 9)).toEqual([
      1059, 431, 808, 1217, 287, 376, 1188, 353, 508,
    ]);
  });

  it('depends only on the /24 network', () => {
    expect(allowedFastSet('80.4.4.1', infoHash, 1313, 7)).toEqual(
      allowedFastSet('80.4.4.200', infoHash, 1313, 7),
    );
    expect(allowedFastSet('80.4.5.200', infoHash, 1313, 7)).not.toEqual(
      allowedFastSet('80.4.4.200', infoHash, 1313, 7),
    );
  });

  it('never returns more than the pieces there are, nor anything for IPv6', () => {
    expect(new Set(allowedFastSet('10.0.0.1', infoHash, 3, 10)).size).toBe(3);
    expect(allowedFastSet('::1', infoHash, 100, 10)).toEqual([]);
    expect(allowedFastSet('10.0.0.1', infoHash, 0, 10)).toEqual([]);
  });
});
