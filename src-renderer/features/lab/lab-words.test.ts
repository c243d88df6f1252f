import { describe, expect, it } from 'vitest';
import type { LabView } from '../../../src-shared/model';
import { removeSeederNotYet } from './lab-words';

function lab(status: LabView['status'], piecesOut: number) {
  return { status, piecesOut, pieceCount: 128 };
}

describe('the Lab view says why the original seeder may not go yet', () => {
  it('with the live count, not the count at the click', () => {
    expect(removeSeederNotYet(lab('running', 12))).toBe(
      'Not yet: 12 of 128 pieces are out in the swarm; the original seeder is still the only source of the rest',
    );
    expect(removeSeederNotYet(lab('running', 40))).toContain('40 of 128');
  });

  it('says nothing once every piece is out, or when the lab is not running', () => {
    expect(removeSeederNotYet(lab('running', 128))).toBeNull();
    expect(removeSeederNotYet(lab('complete', 3))).toBeNull();
  });
});
