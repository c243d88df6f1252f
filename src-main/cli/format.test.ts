import { describe, expect, it } from 'vitest';
import { formatBytes, formatEta, formatRate, progressBar } from './format';

describe('cli format', () => {
  it('formats sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(1024 * 1024 * 300)).toBe('300 MiB');
  });
  it('formats rates and ETAs', () => {
    expect(formatRate(2048)).toBe('2.00 KiB/s');
    expect(formatEta(null)).toBe('--');
    expect(formatEta(192)).toBe('3m 12s');
    expect(formatEta(3 * 3600 + 120)).toBe('3h 2m');
  });
  it('draws a bar', () => {
    expect(progressBar(0.5, 10)).toBe('[#####.....]');
    expect(progressBar(2, 4)).toBe('[####]');
  });
});
