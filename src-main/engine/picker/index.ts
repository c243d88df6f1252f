export { PiecePicker, MAX_DUPLICATE_REQUESTS } from './piece-picker';
export type { PiecePickerOptions } from './piece-picker';
export type {
  BlockRef,
  BlockReceived,
  NextRequestsOptions,
  PieceFailed,
  PiecePriority,
} from './types';
