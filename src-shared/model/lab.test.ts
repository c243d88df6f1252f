import { describe, expect, it } from 'vitest';
import {
  bitfieldBytes,
  countPieces,
  defaultLabConfig,
  hasPiece,
  labConfigError,
  piecesOutInSwarm,
  setPiece,
} from './lab';
import type { LabPeerState } from './lab';

describe('lab config', () => {
  it('accepts the defaults and names the first problem', () => {
    expect(labConfigError(defaultLabConfig)).toBeNull();
    expect(labConfigError({ ...defaultLabConfig, leechers: 0 })).toMatch(/leechers/);
    expect(labConfigError({ ...defaultLabConfig, seeders: 6 })).toMatch(/seeders .* 1 to 5/);
    expect(labConfigError({ ...defaultLabConfig, sizeMiB: 1025 })).toMatch(/1 to 1024/);
    expect(labConfigError({ ...defaultLabConfig, sizeMiB: 0, filePath: '/x' })).toBeNull();
    expect(labConfigError({ ...defaultLabConfig, filePath: ' ' })).toMatch(/file path/);
    expect(labConfigError({ ...defaultLabConfig, churnPerMin: 61 })).toMatch(/churn/);
    expect(labConfigError({ ...defaultLabConfig, arrivalSpreadSec: -1 })).toMatch(/arrival/);
    expect(labConfigError({ ...defaultLabConfig, uploadLimitBps: 1.5 })).toMatch(/upload/);
    expect(labConfigError({ ...defaultLabConfig, corrupt: 6 })).toMatch(/corrupt/);
  });
});

describe('lab bitfields', () => {
  it('uses BEP 3 bit order, high bit first', () => {
    const b = new Uint8Array(bitfieldBytes(10));
    expect(b).toHaveLength(2);
    setPiece(b, 0);
    setPiece(b, 9);
    expect([...b]).toEqual([0x80, 0x40]);
    expect(hasPiece(b, 9)).toBe(true);
    expect(hasPiece(b, 8)).toBe(false);
    expect(countPieces(b, 10)).toBe(2);
  });

  it('counts a piece as out only when an honest running peer other than the seeder has it', () => {
    const bits = (...idx: number[]) => {
      const b = new Uint8Array(1);
      for (const i of idx) setPiece(b, i);
      return b;
    };
    const peer = (
      id: number,
      role: LabPeerState['role'],
      status: LabPeerState['status'],
      have: Uint8Array,
    ) => ({ id, role, status, have });
    const peers = [
      peer(0, 'seeder', 'running', bits(0, 1, 2, 3)),
      peer(1, 'leecher', 'running', bits(0)),
      peer(2, 'corrupt', 'running', bits(0, 1, 2, 3)),
      peer(3, 'freeloader', 'running', bits(1)),
      peer(4, 'leecher', 'paused', bits(2)),
      peer(5, 'leecher', 'running', bits(3)),
    ];
    expect(piecesOutInSwarm(peers, 4, new Set([0]))).toBe(2);
    expect(piecesOutInSwarm(peers, 4, new Set())).toBe(4);
  });
});
