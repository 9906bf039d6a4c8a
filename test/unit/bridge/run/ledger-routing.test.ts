import { describe, expect, it } from 'vitest';
import { reachRunOwner, type OwnerRoute } from '../../../../bridge/run/ledger-routing.js';

/** Three runners; `has` is the one that executes the run. */
function route(opts: { owner?: string; has: string; ownerThrows?: { type: string; message: string }; engineError?: Error }) {
  const called: string[] = [];
  const answer = async (node: string) => {
    called.push(node);
    if (opts.ownerThrows && node === opts.owner) throw Object.assign(new Error(opts.ownerThrows.message), { type: opts.ownerThrows.type });
    if (node === opts.has && opts.engineError) throw opts.engineError;
    return { resolved: node === opts.has };
  };
  const r: OwnerRoute<{ resolved: boolean }> = {
    ...(opts.owner !== undefined ? { ownerOf: async () => opts.owner } : {}),
    callOn: answer,
    callEvery: () => Promise.allSettled(['n1', 'n2', 'n3'].map(answer)),
    acted: (x) => x.resolved,
  };
  return { r, called };
}

describe('reaching the runner that has a run', () => {
  it('asks only the owner the ledger names', async () => {
    const { r, called } = route({ owner: 'n2', has: 'n2' });
    expect(await reachRunOwner('tc-1', r)).toEqual({ resolved: true });
    expect(called).toEqual(['n2']);
  });

  it('asks every runner without a ledger, and takes the answer of the one that has the run', async () => {
    const { r, called } = route({ has: 'n3' });
    expect(await reachRunOwner('tc-1', r)).toEqual({ resolved: true });
    expect(called.sort()).toEqual(['n1', 'n2', 'n3']);
  });

  it('asks every runner when the named owner is gone or no longer has the run (adopted meanwhile)', async () => {
    const gone = route({ owner: 'n1', has: 'n3', ownerThrows: { type: 'SERVICE_NOT_AVAILABLE', message: 'gone' } });
    expect(await reachRunOwner('tc-1', gone.r)).toEqual({ resolved: true });
    const moved = route({ owner: 'n1', has: 'n3' });
    expect(await reachRunOwner('tc-1', moved.r)).toEqual({ resolved: true });
  });

  it('answers undefined when no runner has the run, and passes on the owner engine’s refusal', async () => {
    expect(await reachRunOwner('tc-1', route({ has: 'none' }).r)).toBeUndefined();
    await expect(reachRunOwner('tc-1', route({ owner: 'n2', has: 'n2', engineError: new Error('Approval is not pending any more') }).r)).rejects.toThrow('not pending');
    await expect(reachRunOwner('tc-1', route({ has: 'n2', engineError: new Error('Approval is not pending any more') }).r)).rejects.toThrow('not pending');
  });
});
