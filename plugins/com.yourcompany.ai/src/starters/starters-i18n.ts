/**
 * The strings of the starter prompts (the picker of the chat input's "+" menu and the chips of a
 * DM with an agent), beside them in their lazy chunks; the shape and languages of i18n.ts.
 */
import { translator } from '../i18n';
import type { Entry } from '../i18n';

const MESSAGES = {
  title: { 'en-US': 'Suggested prompts', 'zh-CN': '推荐提问' },
  loading: { 'en-US': 'Loading the agents…', 'zh-CN': '正在加载智能体…' },
  loadFailed: { 'en-US': 'Could not load the agents: {message}', 'zh-CN': '无法加载智能体：{message}' },
  noneInGroup: {
    'en-US': 'No agent of this group offers suggested prompts. Admins add agents in the group settings (AI assistant → Agents).',
    'zh-CN': '本群组的智能体没有推荐提问。管理员可以在群组设置（AI 助手 → 智能体）中添加智能体。',
  },
  noneHere: { 'en-US': 'No agent here offers suggested prompts.', 'zh-CN': '这里没有提供推荐提问的智能体。' },
  sendsMention: { 'en-US': 'Sent to {name} as a mention, for everyone in the panel to see.', 'zh-CN': '以提及 {name} 的形式发送，面板中的所有人都能看到。' },
  sendsDm: { 'en-US': 'Sent to {name} in this conversation.', 'zh-CN': '在此对话中发送给 {name}。' },
  sendFailed: { 'en-US': 'Could not send the prompt: {message}', 'zh-CN': '无法发送提问：{message}' },
  chipsLabel: { 'en-US': 'Start with', 'zh-CN': '试试这样开始' },
  dismiss: { 'en-US': 'Hide the suggestions', 'zh-CN': '隐藏推荐' },
};

export type StartersMessageKey = keyof typeof MESSAGES;
const checkComplete: Record<StartersMessageKey, Entry> = MESSAGES;
void checkComplete;

export const ts = translator<StartersMessageKey>(MESSAGES);
