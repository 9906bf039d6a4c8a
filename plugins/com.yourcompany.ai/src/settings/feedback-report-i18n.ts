/**
 * The strings of the Feedback section (settings panel, admins), beside it in its lazy chunk; the
 * shape and languages of i18n.ts.
 */
import { translator } from '../i18n';
import type { Entry } from '../i18n';

const MESSAGES = {
  title: { 'en-US': 'Feedback (last {weeks} weeks)', 'zh-CN': '反馈（最近 {weeks} 周）' },
  loading: { 'en-US': 'Loading the feedback…', 'zh-CN': '正在加载反馈…' },
  loadFailed: { 'en-US': 'Could not load the feedback: {message}', 'zh-CN': '无法加载反馈：{message}' },
  notKept: {
    'en-US': 'Votes on replies are kept only when the plugin has its database (AI_MONGO_URL); this server keeps none.',
    'zh-CN': '只有插件配置了数据库（AI_MONGO_URL）时才会保存对回复的评价；此服务器没有保存任何评价。',
  },
  none: { 'en-US': 'No 👍 or 👎 on the replies of this group in these weeks.', 'zh-CN': '这几周内本群组的回复还没有收到 👍 或 👎。' },
  agent: { 'en-US': 'Agent', 'zh-CN': '智能体' },
  week: { 'en-US': 'Week of', 'zh-CN': '周（起始日）' },
  rate: { 'en-US': '👍 rate', 'zh-CN': '👍 比例' },
  byWeek: { 'en-US': 'By week (UTC, weeks start on Monday)', 'zh-CN': '按周（UTC，每周从周一开始）' },
  latestDown: { 'en-US': 'Latest 👎', 'zh-CN': '最近的 👎' },
  noComment: { 'en-US': '(no comment)', 'zh-CN': '（没有留言）' },
  noDown: { 'en-US': 'No 👎 recently.', 'zh-CN': '最近没有 👎。' },
  show: { 'en-US': 'Show', 'zh-CN': '查看' },
  showTitle: { 'en-US': 'Go to the reply in its panel', 'zh-CN': '跳转到该回复所在的面板' },
};

export type FeedbackReportMessageKey = keyof typeof MESSAGES;
const checkComplete: Record<FeedbackReportMessageKey, Entry> = MESSAGES;
void checkComplete;

export const tr = translator<FeedbackReportMessageKey>(MESSAGES);
