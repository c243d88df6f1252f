import { describe, expect, it } from 'vitest';
import { allowsDht, allowsLsd, allowsPex, allowsSource } from './peer-sources';

describe('peer sources (BEP 27)', () => {
  it('a private torrent uses neither the DHT, PEX nor LSD', () => {
    const priv = { private: true };
    expect([allowsDht(priv), allowsPex(priv), allowsLsd(priv)]).toEqual([false, false, false]);
  });

  it('a public torrent may use all three', () => {
    const pub = { private: false };
    expect([allowsDht(pub), allowsPex(pub), allowsLsd(pub)]).toEqual([true, true, true]);
  });

  it('by source: a private torrent takes trackers, hand-added and incoming peers only', () => {
    const sources = ['tracker', 'manual', 'incoming', 'magnet', 'dht', 'pex', 'lsd'];
    expect(sources.filter((src) => allowsSource({ private: true }, src))).toEqual([
      'tracker',
      'manual',
      'incoming',
      'magnet',
    ]);
    expect(sources.every((src) => allowsSource({ private: false }, src))).toBe(true);
  });
});
