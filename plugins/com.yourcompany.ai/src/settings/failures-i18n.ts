/**
 * The strings of the failed-replies list (settings panel, admins), beside it in its lazy chunk;
 * the shape and languages of i18n.ts.
 */
import { translator } from '../i18n';
import type { Entry } from '../i18n';

const MESSAGES = {
  title: { 'en-US': 'Failed replies', 'zh-CN': '失败的回复' },
  loading: { 'en-US': 'Loading the failed replies…', 'zh-CN': '正在加载失败的回复…' },
  loadFailed: { 'en-US': 'Could not load the failed replies: {message}', 'zh-CN': '无法加载失败的回复：{message}' },
  none: { 'en-US': 'No reply ended in an error recently.', 'zh-CN': '最近没有以错误结束的回复。' },
  notKept: {
    'en-US': 'Failed replies are listed only when the plugin has its database (AI_MONGO_URL); they are still logged and counted in /metrics.',
    'zh-CN': '只有插件配置了数据库（AI_MONGO_URL）时才会列出失败的回复；它们仍会写入日志并计入 /metrics。',
  },
  hint: { 'en-US': 'The latest {count} of this group, newest first.', 'zh-CN': '本群组最近 {count} 条，最新的在前。' },
  show: { 'en-US': 'Show', 'zh-CN': '查看' },
  showTitle: { 'en-US': 'Go to the reply in its panel', 'zh-CN': '跳转到该回复所在的面板' },
  'cause.engine-down': { 'en-US': 'Engine down', 'zh-CN': '引擎不可用' },
  'cause.engine-auth': { 'en-US': 'Engine refused our credentials', 'zh-CN': '引擎拒绝了凭据' },
  'cause.timed-out': { 'en-US': 'Timed out', 'zh-CN': '超时' },
  'cause.rate-limited': { 'en-US': 'Rate-limited by the engine', 'zh-CN': '被引擎限流' },
  'cause.busy': { 'en-US': 'Assistant busy (queue full)', 'zh-CN': '助手繁忙（队列已满）' },
  'cause.refused': { 'en-US': 'Model refused', 'zh-CN': '模型拒绝回答' },
  'cause.denied': { 'en-US': 'Denied', 'zh-CN': '被拒绝' },
  'cause.too-long': { 'en-US': 'Conversation too long', 'zh-CN': '对话过长' },
  'cause.bad-response': { 'en-US': 'Unreadable engine answer', 'zh-CN': '引擎响应无法读取' },
  'cause.interrupted': { 'en-US': 'Interrupted', 'zh-CN': '被中断' },
  'cause.other': { 'en-US': 'Other error', 'zh-CN': '其他错误' },
};

export type FailuresMessageKey = keyof typeof MESSAGES;
const checkComplete: Record<FailuresMessageKey, Entry> = MESSAGES;
void checkComplete;

export const tf = translator<FailuresMessageKey>(MESSAGES);
