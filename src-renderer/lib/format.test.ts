import { describe, expect, it } from 'vitest';
import { formatBytes, formatEta, formatPercent, formatRate, formatRatio } from './format';

describe('formatBytes', () => {
  it('uses binary units with three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(13)).toBe('13 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.00 KiB');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10.0 MiB');
    expect(formatBytes(700 * 1024 * 1024)).toBe('700 MiB');
    expect(formatBytes(4.37 * 1024 ** 3)).toBe('4.37 GiB');
  });
  it('never shows 1024 of a unit', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.00 MiB');
  });
  it('handles nonsense', () => {
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('formatRate', () => {
  it('adds per second and hides zero', () => {
    expect(formatRate(2.5 * 1024 * 1024)).toBe('2.50 MiB/s');
    expect(formatRate(0)).toBe('—');
  });
});

describe('formatEta', () => {
  it('reads like 3m 12s', () => {
    expect(formatEta(0)).toBe('0s');
    expect(formatEta(45)).toBe('45s');
    expect(formatEta(192)).toBe('3m 12s');
    expect(formatEta(3600 + 5 * 60)).toBe('1h 05m');
    expect(formatEta(3 * 86400 + 4 * 3600 + 59)).toBe('3d 4h');
    expect(formatEta(365 * 86400)).toBe('365d');
  });
  it('shows infinity when unknown', () => {
    expect(formatEta(null)).toBe('∞');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('∞');
  });
});

describe('formatPercent and formatRatio', () => {
  it('keeps 100% for completion only', () => {
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.425)).toBe('42.5%');
    expect(formatPercent(0.99999)).toBe('99.9%');
    expect(formatPercent(1)).toBe('100%');
  });
  it('shows ratios with two decimals', () => {
    expect(formatRatio(1.234)).toBe('1.23');
    expect(formatRatio(0)).toBe('0.00');
  });
});
