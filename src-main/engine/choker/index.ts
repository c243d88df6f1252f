export {
  decideUnchokes,
  initialChokerState,
  REGULAR_UNCHOKE_SLOTS,
  RECHOKE_INTERVAL_MS,
  OPTIMISTIC_INTERVAL_MS,
  NEW_PEER_WINDOW_MS,
  NEW_PEER_WEIGHT,
} from './decide-unchokes';
export type { ChokerPeer, ChokerState, ChokeDecision, DecideOptions } from './decide-unchokes';
export { ChokeScheduler } from './choke-scheduler';
export type { ChokeSchedulerOptions } from './choke-scheduler';
