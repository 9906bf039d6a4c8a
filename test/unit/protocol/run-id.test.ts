import { describe, expect, it } from 'vitest';
import { attemptMetaOf, originalRunId, parseRunId, runIdFor } from '../../../protocol/run-id.js';

const MSG = '6561f0a1b2c3d4e5f6a7b8c9';

describe('run ids', () => {
  it('the first answer keeps the id it always had; later attempts get their own', () => {
    expect(runIdFor(MSG)).toBe(`tc-${MSG}`);
    expect(runIdFor(MSG, 1)).toBe(`tc-${MSG}`);
    expect(runIdFor(MSG, 2)).toBe(`tc-${MSG}.r2`);
    expect(runIdFor(MSG, 12)).toBe(`tc-${MSG}.r12`);
    expect(() => runIdFor(MSG, 0)).toThrow(RangeError);
    expect(() => runIdFor(MSG, 1.5)).toThrow(RangeError);
  });

  it('every attempt leads back to the prompt message', () => {
    expect(parseRunId(`tc-${MSG}`)).toEqual({ messageId: MSG, attempt: 1 });
    expect(parseRunId(`tc-${MSG}.r3`)).toEqual({ messageId: MSG, attempt: 3 });
    for (const n of [1, 2, 7, 40]) expect(parseRunId(runIdFor(MSG, n))).toEqual({ messageId: MSG, attempt: n });
  });

  it('refuses what is not one of our run ids, and the non-canonical .r1', () => {
    for (const bad of ['', MSG, 'tc-', `tc-${MSG}.r1`, `tc-${MSG}.r0`, `tc-${MSG}.r`, `tc-${MSG}.x2`, `tc-${MSG}.r2.r3`, 'tc-a b', `x-${MSG}`]) {
      expect(parseRunId(bad), bad).toBeUndefined();
    }
  });

  it('groups attempts under the first answer', () => {
    expect(originalRunId(`tc-${MSG}.r5`)).toBe(`tc-${MSG}`);
    expect(originalRunId(`tc-${MSG}`)).toBe(`tc-${MSG}`);
    expect(originalRunId('something-else')).toBe('something-else');
  });

  it('meta names the attempt only from the second one on (older replies stay as they were)', () => {
    expect(attemptMetaOf(`tc-${MSG}`)).toBeUndefined();
    expect(attemptMetaOf(`tc-${MSG}.r2`)).toEqual({ n: 2, of: `tc-${MSG}` });
    expect(attemptMetaOf('not-ours')).toBeUndefined();
  });
});
