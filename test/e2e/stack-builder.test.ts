/**
 * The test-stack builder (test/support/stack.ts) on the real Tailchat: what every end-to-end
 * and browser file relies on. A start that fails halfway leaves no bundle behind (the next file's
 * bundle would share Tailchat's messages with it), and every file of a run gets the same shared
 * Tailchat.
 */
import { describe, expect, it } from 'vitest';
import { CHAT_SERVICE, RUNNER_SERVICE } from '../../services/names.js';
import { startStack, waitForNoAgent } from '../support/stack.js';
import { fetchHealth } from '../tailchat/kit.js';

describe('the test-stack builder', () => {
  it('files get the one shared Tailchat, and stopping a stack leaves it running', async () => {
    const first = await startStack({ label: 'builder-a', bundle: false });
    await first.stop();
    const second = await startStack({ label: 'builder-b', bundle: false, users: ['carol'] });
    try {
      expect(second.tc.url).toBe(first.tc.url);
      expect((await fetchHealth(second.tc.url)).services).toContain('user');
      expect(second.users.carol!.token).toBeTruthy();
    } finally {
      await second.stop();
    }
  });

  it('a start that fails after the bundle joined stops that bundle, and says why', async () => {
    const probe = await startStack({ label: 'builder-probe', bundle: false });
    await probe.stop();
    const { url } = probe.tc;
    let listedWhenFailing: string[] = [];
    const err = await startStack({
      label: 'builder-fail',
      bundle: { env: { AI_ENGINE: 'scripted' } },
      conversation: {
        // Runs once Tailchat lists the bundle: a failure this late must still stop it.
        onGroup: async () => {
          listedWhenFailing = (await fetchHealth(url)).services;
          throw new Error('the group could not be set up');
        },
      },
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('the group could not be set up');
    expect(listedWhenFailing).toEqual(expect.arrayContaining([CHAT_SERVICE, RUNNER_SERVICE]));
    // Stopped, the bundle left Tailchat's cluster at once (a graceful leave, not a heartbeat timeout).
    await waitForNoAgent(url, 3_000);
  });

  it('names the option a missing part needs', async () => {
    const stack = await startStack({ label: 'builder-absent', bundle: false });
    try {
      expect(() => stack.conv.ask('hello')).toThrow('stack.conv was not started: pass `conversation` to startStack');
      expect(() => stack.bundle.output()).toThrow('pass `bundle` to startStack');
    } finally {
      await stack.stop();
    }
  });
});
