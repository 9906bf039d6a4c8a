/**
 * The one short message the agent posts in a job's panel when a run failed (docs/design/automations.md
 * §2 "Failure notice"). Engine errors can be long and multi-line (stack traces, provider bodies):
 * members get one line; the whole error stays with the engine's run log.
 */

/** Longest error text a notice shows. */
export const MAX_NOTICE_ERROR_CHARS = 200;

/** Whitespace runs (newlines too) become one space; longer text is cut with an ellipsis. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

export function failureNoticeText(name: string, error: string): string {
  // The sentence ends with its own period: one the error brings would double it.
  const reason = oneLine(error, MAX_NOTICE_ERROR_CHARS).replace(/[.。\s]+$/u, '') || 'unknown error';
  return `⚠ The scheduled task "${oneLine(name, 80)}" failed: ${reason}. · 定时任务失败`;
}
