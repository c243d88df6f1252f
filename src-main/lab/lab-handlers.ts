/** The contract's lab commands over a host's LabHost (issue 19); hosts pass them as overrides. */
import type { Handlers } from '../host/api';
import type { LabHost } from './lab-host';

export type LabHandlers = Pick<Handlers, 'lab.create' | 'lab.action' | 'lab.close' | 'lab.get'>;

export function labHandlers(lab: LabHost): LabHandlers {
  return {
    'lab.create': (req) => lab.create(req),
    'lab.action': (req) => lab.act(req),
    'lab.close': () => lab.close(),
    'lab.get': async () => ({ lab: lab.view() }),
  };
}
