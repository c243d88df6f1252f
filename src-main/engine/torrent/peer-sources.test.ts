import { describe, expect, it } from 'vitest';
import { allowsDht, allowsLsd, allowsPex } from './peer-sources';

describe('peer sources (BEP 27)', () => {
  it('a private torrent uses neither the DHT, PEX nor LSD', () => {
    const priv = { private: true };
    expect([allowsDht(priv), allowsPex(priv), allowsLsd(priv)]).toEqual([false, false, false]);
  });

  it('a public torrent may use all three', () => {
    const pub = { private: false };
    expect([allowsDht(pub), allowsPex(pub), allowsLsd(pub)]).toEqual([true, true, true]);
  });
});
