/**
 * The words of the AI-generated label under every agent reply, beside it in the message view's
 * lazy chunk (i18n.ts ships in the start-up chunk, which has a size budget).
 */
import { translator } from '../i18n';
import type { Entry } from '../i18n';

const MESSAGES: Record<'named' | 'unnamed' | 'title' | 'scheduled' | 'scheduledTitle', Entry> = {
  named: { 'en-US': 'AI-generated · {name}', 'zh-CN': 'AI 生成 · {name}' },
  unnamed: { 'en-US': 'AI-generated', 'zh-CN': 'AI 生成' },
  title: {
    'en-US': 'Written by an AI agent: check what matters before you rely on it.',
    'zh-CN': '由 AI 智能体生成：重要内容请先核实再使用。',
  },
  // {creator} is the creator's nickname (an element), put in where the placeholder stands.
  scheduled: { 'en-US': 'Scheduled · {name} · set by {creator}', 'zh-CN': '定时任务 · {name} · 由 {creator} 设置' },
  scheduledTitle: {
    'en-US': 'Posted by a scheduled task of this group (task {id}); /schedule list shows them.',
    'zh-CN': '由本群的定时任务发布（任务 {id}）；/schedule list 可查看所有任务。',
  },
};

export const tl = translator(MESSAGES);
