import { EngineError } from '../errors';

/**
 * A torrent (or magnet, or create request) that cannot be used. `field` names where, in the
 * dotted form users can find in the file: `info.files[3].path`. The message starts with it.
 */
export class MetainfoError extends EngineError {
  readonly field: string;

  constructor(field: string, problem: string, cause?: unknown) {
    super('invalid-torrent', `${field}: ${problem}`, cause);
    this.name = 'MetainfoError';
    this.field = field;
  }
}
