/**
 * The strings of the attempt bar and the Regenerate / Retry buttons, beside them in the message
 * view's lazy chunk (i18n.ts ships in the start-up chunk, which has a size budget).
 */
import { translator } from '../i18n';
import type { Entry } from '../i18n';

const MESSAGES: Record<'regenerate' | 'regenerating' | 'retry' | 'retrying' | 'position' | 'prev' | 'next' | 'superseded', Entry> = {
  regenerate: { 'en-US': 'Regenerate', 'zh-CN': '重新生成' },
  regenerating: { 'en-US': 'Regenerating…', 'zh-CN': '正在重新生成…' },
  retry: { 'en-US': 'Retry', 'zh-CN': '重试' },
  retrying: { 'en-US': 'Retrying…', 'zh-CN': '正在重试…' },
  position: { 'en-US': '{n} of {total}', 'zh-CN': '第 {n}/{total} 个' },
  prev: { 'en-US': 'Previous answer', 'zh-CN': '上一个回答' },
  next: { 'en-US': 'Next answer', 'zh-CN': '下一个回答' },
  superseded: { 'en-US': 'Regenerated — see the newer reply', 'zh-CN': '已重新生成 — 请看下方较新的回复' },
};

export const ta = translator(MESSAGES);
