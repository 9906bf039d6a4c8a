/**
 * `/remind <when> <what>`: where the `<when>` ends. There is no delimiter, so the longest prefix
 * that reads as a `<when>` wins ("every weekday at 9:00 post the summary" is not "every weekday
 * at 9" + ":00 post…"). When no prefix reads, a `<when>` at the end is tried too ("remind me to
 * post the summary every weekday at 9:00"), since that is how people also say it. The split is
 * only the shape: whether the time is allowed (past, too often, the zone) is parseWhen's to say.
 */
import { MAX_WHEN_CHARS, namesDaysOnly, readWhen } from './when-grammar.js';
import { WHEN_TEXT } from './when-texts.js';

export type SplitWhen = { ok: true; when: string; what: string } | { ok: false; error: string };

/** "remind us", "remind me", 提醒我们: the command's own words, said by people out of habit. */
const LEAD_IN = /^(?:remind(?![a-z])|提醒)\s*/i;
const AUDIENCE = /^(?:me|us|everyone|everybody|all of us|the team|我们|我|大家|所有人)(?![a-z])\s*/i;
/** Glue between the parts: "… at 9:00 to post", "… 9:00：发布", "post the summary, every day at 9". */
const WHAT_HEAD = /^(?:[\s,，:：;；、\-–—]+|(?:to|that|about)(?=\s))+/i;
const WHAT_TAIL = /[\s,，:：;；、\-–—]+$/;

/** A cut between two letters or digits would split a word ("at 9 am|end"); anywhere else is a boundary. */
function isBoundary(text: string, at: number): boolean {
  return at <= 0 || at >= text.length || !(/[a-z0-9]/i.test(text[at - 1]!) && /[a-z0-9]/i.test(text[at]!));
}

function cleanWhat(text: string): string {
  return text.replace(WHAT_HEAD, '').replace(WHAT_TAIL, '').trim();
}

/** Splits `/remind` text into its `<when>` (the person's words, as typed) and `<what>`. */
export function splitWhenAndWhat(text: string): SplitWhen {
  const body = text.trim().replace(LEAD_IN, '').replace(AUDIENCE, '');

  for (let end = Math.min(body.length, MAX_WHEN_CHARS); end > 0; end--) {
    if (!isBoundary(body, end)) continue;
    const when = body.slice(0, end).trim();
    if (!readWhen(when)) continue;
    const what = cleanWhat(body.slice(end));
    return what ? { ok: true, when, what } : { ok: false, error: WHEN_TEXT.noWhat(when) };
  }

  for (let start = Math.max(1, body.length - MAX_WHEN_CHARS); start < body.length; start++) {
    if (!isBoundary(body, start)) continue;
    const when = body.slice(start).trim();
    const what = cleanWhat(body.slice(0, start));
    if (what && readWhen(when)) return { ok: true, when, what };
  }

  // "tomorrow buy milk", "buy milk tomorrow": a day with no time is the likeliest slip; say so.
  for (let end = Math.min(body.length, MAX_WHEN_CHARS); end > 0; end--) {
    if (isBoundary(body, end) && namesDaysOnly(body.slice(0, end))) return { ok: false, error: WHEN_TEXT.needsTime(body.slice(0, end).trim()) };
  }
  for (let start = Math.max(1, body.length - MAX_WHEN_CHARS); start < body.length; start++) {
    if (isBoundary(body, start) && namesDaysOnly(body.slice(start))) return { ok: false, error: WHEN_TEXT.needsTime(body.slice(start).trim()) };
  }
  return { ok: false, error: WHEN_TEXT.noWhen };
}
