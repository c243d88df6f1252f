import { describe, expect, it } from 'vitest';
import {
  canonicalIp,
  formatEndpoint,
  hostKey,
  ipFamily,
  listenPlan,
  parseEndpoint,
} from './ip-address';

describe('canonicalIp', () => {
  it('reads an IPv4-mapped IPv6 address as plain IPv4', () => {
    expect(canonicalIp('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(canonicalIp('::FFFF:7f00:1')).toBe('127.0.0.1');
  });

  it('writes IPv6 in RFC 5952 form without brackets', () => {
    expect(canonicalIp('[2001:DB8:0:0:0:0:0:1]')).toBe('2001:db8::1');
    expect(canonicalIp('0:0:0:0:0:0:0:1')).toBe('::1');
  });

  it('leaves IPv4 and names alone', () => {
    expect(canonicalIp('10.0.0.1')).toBe('10.0.0.1');
    expect(canonicalIp('tracker.example')).toBe('tracker.example');
  });

  it('tells the family', () => {
    expect(ipFamily('::ffff:1.2.3.4')).toBe(4);
    expect(ipFamily('[::1]')).toBe(6);
    expect(ipFamily('example.org')).toBe(0);
  });
});

describe('hostKey', () => {
  it('counts an IPv6 /64 as one host', () => {
    expect(hostKey('2001:db8:1:2::5')).toBe(hostKey('2001:db8:1:2:ffff::9'));
    expect(hostKey('2001:db8:1:2::5')).toBe('2001:db8:1:2::/64');
    expect(hostKey('2001:db8:1:3::5')).not.toBe(hostKey('2001:db8:1:2::5'));
  });

  it('counts a v4-mapped address as its IPv4 address, and ::1 as itself', () => {
    expect(hostKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(hostKey('::1')).toBe('::1');
  });
});

describe('endpoints', () => {
  it('brackets IPv6 when formatting', () => {
    expect(formatEndpoint('::1', 6881)).toBe('[::1]:6881');
    expect(formatEndpoint('::ffff:1.2.3.4', 80)).toBe('1.2.3.4:80');
    expect(formatEndpoint('1.2.3.4', 80)).toBe('1.2.3.4:80');
  });

  it('parses what it formats, and refuses ambiguous or portless text', () => {
    expect(parseEndpoint('[2001:db8::1]:51413')).toEqual({ address: '2001:db8::1', port: 51413 });
    expect(parseEndpoint('10.0.0.1:6881')).toEqual({ address: '10.0.0.1', port: 6881 });
    expect(parseEndpoint('2001:db8::1:6881')).toBeNull();
    expect(parseEndpoint('[::1]')).toBeNull();
    expect(parseEndpoint('[::1]:0')).toBeNull();
    expect(parseEndpoint('[nothex]:1')).toBeNull();
  });
});

describe('listenPlan', () => {
  it('listens on both stacks for the wildcard, on one for an address', () => {
    expect(listenPlan('0.0.0.0')).toEqual({ v4: '0.0.0.0', v6: '::' });
    expect(listenPlan('::')).toEqual({ v4: '0.0.0.0', v6: '::' });
    expect(listenPlan('127.0.0.1')).toEqual({ v4: '127.0.0.1', v6: null });
    expect(listenPlan('[::1]')).toEqual({ v4: null, v6: '::1' });
  });
});
