import { describe, expect, it } from 'vitest';
import { AddressPolicy, isLoopback } from './address-policy';
import { MAX_CONNECTIONS_PER_IP } from '../limits';

describe('AddressPolicy', () => {
  it('knows loopback addresses, v4, v6 and v4-mapped', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['10.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1'].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('caps connections per IP at MAX_CONNECTIONS_PER_IP by default', () => {
    const policy = new AddressPolicy();
    expect(policy.mayConnect('10.0.0.1', () => MAX_CONNECTIONS_PER_IP - 1)).toBe(true);
    expect(policy.mayConnect('10.0.0.1', () => MAX_CONNECTIONS_PER_IP)).toBe(false);
  });

  it('the cap is an option', () => {
    const policy = new AddressPolicy({ maxConnectionsPerIp: 3 });
    expect(policy.mayConnect('10.0.0.1', () => 2)).toBe(true);
    expect(policy.mayConnect('10.0.0.1', () => 3)).toBe(false);
  });

  it('loopback peers are this machine: not capped, unless asked', () => {
    expect(new AddressPolicy().mayConnect('127.0.0.1', () => 50)).toBe(true);
    expect(new AddressPolicy({ limitLoopback: true }).mayConnect('127.0.0.1', () => 1)).toBe(false);
  });
});
