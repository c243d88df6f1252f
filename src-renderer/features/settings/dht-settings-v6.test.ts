import { describe, expect, it } from 'vitest';
import { parseBootstrapText } from './dht-settings';

describe('the DHT bootstrap text box with IPv6 nodes (issue 18)', () => {
  it('takes [v6]:port lines beside host:port ones', () => {
    expect(parseBootstrapText('[2001:db8::1]:6881\nrouter.bittorrent.com:6881')).toEqual({
      list: ['[2001:db8::1]:6881', 'router.bittorrent.com:6881'],
      error: null,
    });
  });

  it('names a malformed bracket or an unbracketed v6 address', () => {
    expect(parseBootstrapText('[::1:6881').error).toBe('"[::1:6881" is not host:port');
    expect(parseBootstrapText('::1:6881').error).toBe('"::1:6881" is not host:port');
  });
});
