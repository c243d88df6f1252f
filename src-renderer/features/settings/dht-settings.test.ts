import { describe, expect, it } from 'vitest';
import { defaultDhtBootstrap } from '../../../src-shared/model';
import { bootstrapToText, parseBootstrapText } from './dht-settings';

describe('the DHT bootstrap text box', () => {
  it('round-trips the default list', () => {
    expect(parseBootstrapText(bootstrapToText(defaultDhtBootstrap))).toEqual({
      list: [...defaultDhtBootstrap],
      error: null,
    });
  });

  it('ignores blank lines and spaces, accepts commas, drops repeats; empty means none', () => {
    expect(parseBootstrapText('  a.org:1 \n\n b.org:2, a.org:1\n')).toEqual({
      list: ['a.org:1', 'b.org:2'],
      error: null,
    });
    expect(parseBootstrapText('   ')).toEqual({ list: [], error: null });
  });

  it('names the first bad entry, and refuses too many', () => {
    expect(parseBootstrapText('a.org:1\nb.org\nc:0')).toEqual({
      list: null,
      error: '"b.org" is not host:port',
    });
    const many = Array.from({ length: 33 }, (_, i) => `n${i}.org:1`).join('\n');
    expect(parseBootstrapText(many).error).toBe('At most 32 nodes');
  });
});
