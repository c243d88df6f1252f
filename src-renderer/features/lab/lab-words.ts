/**
 * Words of the Lab view that follow the lab as it runs (issue 19). A refusal to remove the
 * original seeder names how many pieces were out at the click; pieces keep flowing, so the view
 * says the live count instead of a number that is already wrong a second later.
 */
import type { LabView } from '../../../src-shared/model';

/** Why the original seeder may not go yet, from the live lab; null once it may. */
export function removeSeederNotYet(
  lab: Pick<LabView, 'status' | 'piecesOut' | 'pieceCount'>,
): string | null {
  if (lab.status !== 'running' || lab.piecesOut >= lab.pieceCount) return null;
  return `Not yet: ${lab.piecesOut} of ${lab.pieceCount} pieces are out in the swarm; the original seeder is still the only source of the rest`;
}
