import { describe, expect, it } from 'vitest';
import { badgesFor, chosenExpert, helpText, importance, statsText, systemPrompt } from '../../bridge/engine/mbe/rules.js';
import { parseMbeSettings } from '../../bridge/engine/mbe/settings.js';
import { EngineError } from '../../bridge/engine/types.js';

const surprise = (score: number, novel: boolean) => ({ surprise_score: score, is_novel: novel, learning_mode: 'explore' });
const route = (id: string | undefined, confidence: number) => ({ selected_experts: id ? [{ id }] : [], routing_confidence: confidence });

describe('importance = 0.5 + 0.5 × surprise', () => {
  it.each([
    [0, 0.5],
    [0.25, 0.625],
    [0.5, 0.75],
    [1, 1],
  ])('surprise %s → %s', (s, want) => expect(importance(s)).toBeCloseTo(want, 10));

  it('unknown surprise (the call failed) → the base 0.5', () => expect(importance(undefined)).toBe(0.5));
  it('stays within 0.5..1 for out-of-range scores', () => {
    expect(importance(7)).toBe(1);
    expect(importance(-1)).toBe(0.5);
    expect(importance(Number.NaN)).toBe(0.5);
  });
});

describe('badges', () => {
  it('notes novelty only when is_novel, with the score', () => {
    expect(badgesFor(surprise(0.87, true), undefined)).toEqual([{ kind: 'novelty', label: 'New to you (surprise 0.87)' }]);
    expect(badgesFor(surprise(0.87, false), undefined)).toEqual([]);
  });

  it('names the expert only when routing confidence is strictly above 0.8', () => {
    expect(badgesFor(undefined, route('coding', 0.81))).toEqual([{ kind: 'expert', label: 'Answered by the coding expert' }]);
    expect(badgesFor(undefined, route('coding', 0.8))).toEqual([]);
    expect(badgesFor(undefined, route(undefined, 0.99))).toEqual([]);
  });

  it('novelty first, then expert; nothing when both calls failed', () => {
    expect(badgesFor(surprise(1, true), route('math', 0.9)).map((b) => b.kind)).toEqual(['novelty', 'expert']);
    expect(badgesFor(undefined, undefined)).toEqual([]);
  });
});

describe('system prompt and expert', () => {
  it('names the first selected expert', () => {
    expect(chosenExpert({ selected_experts: [{ id: 'a' }, { id: 'b' }], routing_confidence: 0.1 })).toBe('a');
    expect(systemPrompt('coding')).toMatch(/MBE.*Answer using the knowledge of the coding expert\.$/);
    expect(systemPrompt(undefined)).not.toMatch(/expert/);
  });
});

describe('stats and help texts', () => {
  it('stats shows total_count and the number of memories returned', () => {
    const text = statsText({ total_count: 12, memories: [1, 2, 3] });
    expect(text).toContain('Conversation records: 12');
    expect(text).toContain('Memory items: 3');
  });
  it('help mentions the stats command with the group prefix', () => expect(helpText('/bot')).toContain('/bot stats'));
});

describe('settings', () => {
  it('defaults match the seed: localhost:8001, 30 s, anonymous, temperature 0.7', () => {
    const s = parseMbeSettings({});
    expect(s).toMatchObject({ url: 'http://localhost:8001', timeoutMs: 30_000, temperature: 0.7 });
    expect(s.apiKey).toBeUndefined();
    expect(s.paths.surprise).toBe('/v1/surprise/calculate');
  });
  it('merges path overrides and trims the base URL', () => {
    const s = parseMbeSettings({ url: 'http://mbe:9000/api/', paths: { generate: '/llm' } });
    expect(s.url).toBe('http://mbe:9000/api');
    expect(s.paths.generate).toBe('/llm');
    expect(s.paths.route).toBe('/v1/route/select');
  });
  it('rejects bad values with an EngineError naming the key', () => {
    expect(() => parseMbeSettings({ url: 'ftp://x' })).toThrow(EngineError);
    expect(() => parseMbeSettings({ paths: { route: 'no-slash' } })).toThrow(/paths\.route/);
    expect(() => parseMbeSettings({ url: 'http://me:secret@mbe:8001' })).toThrow(/url: must not contain credentials/);
  });
});
