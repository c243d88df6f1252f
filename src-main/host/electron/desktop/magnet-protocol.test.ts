import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { MagnetProtocolOptIn, protocolClientArgs } from './magnet-protocol';
import { FakeApp } from './testing/fake-electron';

const packaged = {
  defaultApp: false,
  execPath: '/opt/Swarmscope/swarmscope',
  argv: ['/opt/Swarmscope/swarmscope'],
};

function ops(app: FakeApp, op: string): unknown[][] {
  return app.protocolCalls.filter((c) => c.op === op).map((c) => c.args);
}

describe('magnet handler opt-in', () => {
  it('does not touch the OS while the setting is off', () => {
    const app = new FakeApp();
    app.defaultClient = true; // the user chose us in the OS before: leave it
    const optIn = new MagnetProtocolOptIn(app, packaged);
    expect(optIn.apply(false)).toBe('unchanged');
    expect(ops(app, 'set')).toEqual([]);
    expect(ops(app, 'remove')).toEqual([]);
  });

  it('registers when turned on, once', () => {
    const app = new FakeApp();
    const optIn = new MagnetProtocolOptIn(app, packaged);
    expect(optIn.apply(true)).toBe('registered');
    expect(optIn.apply(true)).toBe('unchanged');
    expect(ops(app, 'set')).toEqual([['magnet']]);
    expect(optIn.isDefault()).toBe(true);
  });

  it('unregisters when turned off after being on', () => {
    const app = new FakeApp();
    const optIn = new MagnetProtocolOptIn(app, packaged);
    optIn.apply(true);
    expect(optIn.apply(false)).toBe('unregistered');
    expect(ops(app, 'remove')).toEqual([['magnet']]);
    expect(optIn.apply(false)).toBe('unchanged');
  });

  it('reports an OS refusal as an outcome, not an exception', () => {
    const app = new FakeApp();
    app.protocolCallsSucceed = false;
    const optIn = new MagnetProtocolOptIn(app, packaged);
    expect(optIn.apply(true)).toBe('register-refused');
    app.protocolCallsSucceed = true;
    optIn.apply(true);
    app.protocolCallsSucceed = false;
    expect(optIn.apply(false)).toBe('unregister-refused');
  });

  it('registers `electron <app folder>` in development', () => {
    const dev = {
      defaultApp: true,
      execPath: '/repo/node_modules/electron/dist/electron',
      argv: ['electron', '.'],
    };
    expect(protocolClientArgs(dev)).toEqual({ path: dev.execPath, args: [path.resolve('.')] });
    expect(protocolClientArgs(packaged)).toBeNull();
    const app = new FakeApp();
    new MagnetProtocolOptIn(app, dev).apply(true);
    expect(ops(app, 'set')).toEqual([['magnet', dev.execPath, [path.resolve('.')]]]);
  });
});
