/**
 * The words of the 👍 / 👎 bar under agent replies, beside it in the message view's lazy chunk
 * (i18n.ts ships in the start-up chunk, which has a size budget).
 */
import { translator } from '../i18n';
import type { Entry } from '../i18n';

const MESSAGES = {
  up: { 'en-US': 'Good reply', 'zh-CN': '回复有帮助' },
  down: { 'en-US': 'Bad reply', 'zh-CN': '回复没有帮助' },
  takeBack: { 'en-US': 'Take back your vote', 'zh-CN': '撤回你的评价' },
  commentLabel: { 'en-US': 'What was wrong with this reply? (optional)', 'zh-CN': '这条回复有什么问题？（可选）' },
  commentHint: { 'en-US': 'The group admins can read it; they do not see who wrote it.', 'zh-CN': '群组管理员可以看到这段内容，但看不到是谁写的。' },
  send: { 'en-US': 'Send', 'zh-CN': '发送' },
  skip: { 'en-US': 'Skip', 'zh-CN': '跳过' },
  thanks: { 'en-US': 'Thanks for the feedback.', 'zh-CN': '感谢你的反馈。' },
};

export type FeedbackMessageKey = keyof typeof MESSAGES;
const checkComplete: Record<FeedbackMessageKey, Entry> = MESSAGES;
void checkComplete;

export const tv = translator<FeedbackMessageKey>(MESSAGES);
