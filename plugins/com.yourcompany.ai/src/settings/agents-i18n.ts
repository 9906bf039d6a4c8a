/**
 * The strings of the Agents section of the group settings, beside it in its lazy chunk; the
 * shape and languages of i18n.ts.
 */
import { translator } from '../i18n';
import type { Entry } from '../i18n';

const MESSAGES = {
  title: { 'en-US': 'Agents', 'zh-CN': '智能体' },
  hint: {
    'en-US': 'An agent that is a member of the group answers here and is offered in the @ list.',
    'zh-CN': '作为群组成员的智能体会在这里回答，并出现在 @ 列表中。',
  },
  loading: { 'en-US': 'Loading the agents…', 'zh-CN': '正在加载智能体…' },
  loadFailed: { 'en-US': 'Could not load the agents: {message}', 'zh-CN': '无法加载智能体：{message}' },
  none: { 'en-US': 'No agent is configured.', 'zh-CN': '没有配置智能体。' },
  member: { 'en-US': 'Member', 'zh-CN': '成员' },
  notMember: { 'en-US': 'Not a member', 'zh-CN': '不是成员' },
  isDefault: { 'en-US': 'default', 'zh-CN': '默认' },
  inGroup: { 'en-US': 'In this group', 'zh-CN': '加入本群组' },
  add: { 'en-US': 'Add {name} to this group', 'zh-CN': '将 {name} 加入本群组' },
  remove: { 'en-US': 'Remove {name} from this group', 'zh-CN': '将 {name} 移出本群组' },
  added: { 'en-US': '{name} joined the group', 'zh-CN': '{name} 已加入群组' },
  removed: { 'en-US': '{name} left the group', 'zh-CN': '{name} 已离开群组' },
  changeFailed: { 'en-US': 'Not changed: {message}', 'zh-CN': '未更改：{message}' },
  defaultAgent: { 'en-US': 'Default agent', 'zh-CN': '默认智能体' },
  defaultHint: {
    'en-US': 'Answers the prefix command and the panels where every message goes to the agent; a mention goes to the agent mentioned.',
    'zh-CN': '回答前缀命令以及“所有消息”面板中的消息；提及某个智能体时由被提及的智能体回答。',
  },
  notMemberOption: { 'en-US': '{name} (not a member)', 'zh-CN': '{name}（不是成员）' },
  defaultSaved: { 'en-US': 'Default agent saved', 'zh-CN': '默认智能体已保存' },
  readOnly: {
    'en-US': 'Adding and removing agents needs the “Configure the AI assistant” permission.',
    'zh-CN': '添加或移除智能体需要“配置 AI 助手”权限。',
  },
};

export type AgentsMessageKey = keyof typeof MESSAGES;
const checkComplete: Record<AgentsMessageKey, Entry> = MESSAGES;
void checkComplete;

export const tg = translator<AgentsMessageKey>(MESSAGES);
