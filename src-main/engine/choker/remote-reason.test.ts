import { describe, expect, it } from 'vitest';
import { remoteReason } from './remote-reason';
import type { RemoteView } from './remote-reason';

const base: RemoteView = {
  amInterested: true,
  peerChoking: false,
  snubbed: false,
  hasPieces: true,
  weAreComplete: false,
};

describe('remoteReason', () => {
  it('says it sends when it unchokes us and has what we need', () => {
    expect(remoteReason(base).kind).toBe('sending');
  });
  it('says it chokes us when we want its pieces and it chokes', () => {
    expect(remoteReason({ ...base, peerChoking: true }).kind).toBe('chokes-us');
  });
  it('says snubbed when it unchoked us but sends nothing', () => {
    expect(remoteReason({ ...base, snubbed: true }).kind).toBe('snubbed');
  });
  it('tells "nothing we need" from "nothing yet" by whether it has any piece', () => {
    expect(remoteReason({ ...base, amInterested: false }).kind).toBe('nothing-we-need');
    expect(remoteReason({ ...base, amInterested: false, hasPieces: false }).kind).toBe(
      'nothing-yet',
    );
  });
  it('says we need nothing once we are complete, whatever its flags', () => {
    expect(remoteReason({ ...base, peerChoking: true, weAreComplete: true }).kind).toBe(
      'we-are-complete',
    );
  });
});
