import { describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import { PEER_ID_PREFIX, clientName, generatePeerId } from './peer-id';

function id(prefix: string): Uint8Array {
  const out = new Uint8Array(20).fill(0x61);
  for (let i = 0; i < prefix.length && i < 20; i++) out[i] = prefix.charCodeAt(i);
  return out;
}

describe('generatePeerId', () => {
  it('is -SW0100- and 12 printable characters, and decodes as Swarmscope 0.1.0', () => {
    const a = generatePeerId(seededRandom(1));
    const b = generatePeerId(seededRandom(2));
    expect(a.length).toBe(20);
    expect(Buffer.from(a).toString('latin1')).toMatch(/^-SW0100-[0-9A-Za-z]{12}$/);
    expect(Buffer.from(a.subarray(0, 8)).toString()).toBe(PEER_ID_PREFIX);
    expect(Buffer.compare(a, b)).not.toBe(0);
    expect(clientName(a)).toBe('Swarmscope 0.1.0');
    expect(clientName(generatePeerId())).toBe('Swarmscope 0.1.0');
  });
});

describe('clientName', () => {
  it.each([
    ['-SW0100-', 'Swarmscope 0.1.0'],
    ['-LT2080-', 'libtorrent (Rasterbar) 2.0.8'],
    ['-LT12I0-', 'libtorrent (Rasterbar) 1.2.18'],
    ['-lt0D80-', 'libtorrent (rakshasa) 0.13.8'],
    ['-TR3000-', 'Transmission 3.00'],
    ['-TR2940-', 'Transmission 2.94'],
    ['-TR4050-', 'Transmission 4.0.5'],
    ['-TR300Z-', 'Transmission 3.00+'],
    ['-qB4520-', 'qBittorrent 4.5.2'],
    ['-DE211s-', 'Deluge 2.1.1'],
    ['-UT355W-', 'µTorrent 3.5.5'],
    ['-AZ5770-', 'Azureus 5.7.7.0'],
    ['-BI3600-', 'BiglyBT 3.6.0.0'],
    ['-WW0105-', 'WebTorrent 1.5'],
    ['-BC0211-', 'BitComet 2.11'],
    ['-KT4130-', 'KTorrent 4.1.3'],
    ['A2-1-36-0-', 'aria2 1.36.0'],
    ['M4-3-6--', 'Mainline 4.3.6'],
    ['M4-20-8-', 'Mainline 4.20.8'],
    ['T03I-----', 'BitTornado 0.3.18'],
    ['S58B-----', "Shadow's client 5.8.11"],
    ['-ZZ1234-', 'unknown (-ZZ1234-)'],
    ['-LT!!!!-', 'unknown (-LT!!!!-)'],
    ['xyzw1234', 'unknown (xyzw1234)'],
  ])('%s is %s', (prefix, name) => {
    expect(clientName(id(prefix))).toBe(name);
  });

  it('shows a hex prefix for binary ids and never throws', () => {
    const bin = new Uint8Array(20);
    bin[0] = 0xff;
    expect(clientName(bin)).toBe('unknown (ff00000000000000)');
    const r = seededRandom(3);
    for (let i = 0; i < 2000; i++) expect(typeof clientName(r.bytes(r.int(21)))).toBe('string');
  });
});
