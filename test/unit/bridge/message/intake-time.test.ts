/**
 * Issue #18 item 5: intake runs on every message before "is it for the agent?" (inside Tailchat's
 * process when deployed there). The regexes it replaced took seconds on these inputs; the bound
 * is generous (CPU time, so a busy machine cannot fail it) and still far below the quadratic cost.
 */
import { describe, expect, it } from 'vitest';
import { mentionsUser, promptFromContent } from '../../../../bridge/message/bbcode.js';
import { parseAttachments, promptWithAttachments } from '../../../../bridge/attachments/parse.js';
import { decide } from '../../../../bridge/trigger/decide.js';
import { neutralizeBBCode } from '../../../../bridge/message/neutralize.js';

const MB = 1024 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
const HOSTILE: Record<string, string> = {
  'unclosed [img]': fill('[img]'),
  'unclosed [at=': fill('[at=x]'),
  'nested unclosed tags': fill('[b][i][card type=file url=u][img x=1]'),
  'brackets without a close': fill('['),
  'one long tag name': `[${'a'.repeat(MB - 2)}`,
  'attributes without a close': `[card ${'type=file '.repeat(MB / 10)}`,
  'dots (stop-word check)': `${'.'.repeat(MB - 1)}x`,
  'placeholders without a close': fill('[file: '),
  'tags that all differ': Array.from({ length: MB / 8 }, (_, i) => `[img=${i}]`).join('').slice(0, MB),
};

const BOT = 'bot0000000000000000000001';
const group = { kind: 'group' as const, settings: { enabled: true, trigger: 'mention' as const, prefix: '/ai', allMessagesPanels: [], sessionScope: 'group' as const }, members: [{ agentId: 'assistant', userId: BOT, nickname: 'AI Assistant' }] };

/** CPU ms: the machine is shared, and wall time would also count other processes' turns. */
function time(f: () => unknown): number {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe('intake is linear in the message length', () => {
  for (const [name, text] of Object.entries(HOSTILE)) {
    it(`1 MB of ${name}: well under a second for every step, uncapped`, () => {
      const message = { type: 'add' as const, converseId: 'C1', messageId: 'M1', author: 'U1', groupId: 'G1', content: text, meta: {} };
      expect(time(() => promptFromContent(text, BOT))).toBeLessThan(1000);
      expect(time(() => mentionsUser(text, undefined, BOT))).toBeLessThan(1000);
      expect(time(() => parseAttachments(text))).toBeLessThan(1000);
      expect(time(() => promptWithAttachments(text, [{ kind: 'image', url: 'u', name: 'n' }]))).toBeLessThan(1000);
      expect(time(() => decide(message, group as never, 'assistant', Number.MAX_SAFE_INTEGER))).toBeLessThan(1000);
      expect(time(() => neutralizeBBCode(text))).toBeLessThan(1000);
    });
  }
});
