/**
 * Every visible string of the plugin, English and Simplified Chinese. A tiny own table rather than
 * `localTrans` calls scattered over the components: one place to review, typed keys, `{name}`
 * placeholders. The language comes from the host's i18next (`getLanguage`), read at call time.
 * Strings of a lazily loaded admin section may live in a table beside it (`translator`, e.g.
 * settings/failures-i18n.ts): this one ships in the start-up chunk, which has a size budget.
 */
import { getLanguage } from '@capital/common';

type Lang = 'en-US' | 'zh-CN';
export type Entry = Record<Lang, string>;

const MESSAGES = {
  // permissions (Group settings → Roles)
  'perm.invoke.title': { 'en-US': 'Use the AI assistant', 'zh-CN': '使用 AI 助手' },
  'perm.invoke.desc': {
    'en-US': 'Members can ask the AI assistant in this group (mention, prefix or every message, as configured).',
    'zh-CN': '成员可以在本群组中向 AI 助手提问（按设置的触发方式：提及、前缀或所有消息）。',
  },
  'perm.approve.title': { 'en-US': 'Approve AI actions', 'zh-CN': '审批 AI 操作' },
  'perm.approve.desc': {
    'en-US': "Approve or deny commands the AI assistant wants to run, and stop other members' runs.",
    'zh-CN': '批准或拒绝 AI 助手请求执行的命令，并可停止其他成员发起的运行。',
  },
  'perm.configure.title': { 'en-US': 'Configure the AI assistant', 'zh-CN': '配置 AI 助手' },
  'perm.configure.desc': {
    'en-US': 'Change the AI assistant settings of this group (engine, agent, trigger, session scope, token budget) and see its usage and audit log.',
    'zh-CN': '修改本群组的 AI 助手设置（引擎、智能体、触发方式、会话范围、token 额度），并查看用量与审计日志。',
  },
  'perm.schedule.title': { 'en-US': 'Schedule tasks', 'zh-CN': '定时任务' },
  'perm.schedule.desc': {
    'en-US': 'Create, pause, resume and delete reminders and scheduled tasks the AI assistant runs in this group (/remind, /schedule).',
    'zh-CN': '创建、暂停、恢复和删除 AI 助手在本群执行的提醒与定时任务（/remind、/schedule）。',
  },

  // run status
  'run.queued': { 'en-US': 'Queued…', 'zh-CN': '排队中…' },
  'run.streaming': { 'en-US': 'Generating…', 'zh-CN': '生成中…' },
  'run.reconnecting': { 'en-US': 'Reconnecting to the agent…', 'zh-CN': '正在重新连接智能体…' },
  'run.error': { 'en-US': 'The run failed', 'zh-CN': '运行失败' },
  'run.aborted': { 'en-US': 'Stopped', 'zh-CN': '已停止' },
  'run.stop': { 'en-US': 'Stop', 'zh-CN': '停止' },
  'run.stopping': { 'en-US': 'Stopping…', 'zh-CN': '正在停止…' },
  'run.engine': { 'en-US': 'Engine: {engine}', 'zh-CN': '引擎：{engine}' },
  'run.continuation': {
    'en-US': 'Continued from the reply above (shown there in full, part {index} of {count}).',
    'zh-CN': '接上一条回复（完整内容见上方，第 {index}/{count} 部分）。',
  },
  'run.unsupported': {
    'en-US': 'This AI reply uses a format this plugin version cannot show; the plain text is shown instead.',
    'zh-CN': '此 AI 回复的格式无法由当前插件版本显示，已改为显示纯文本。',
  },
  'run.crashed': { 'en-US': 'The AI panel failed to render.', 'zh-CN': 'AI 面板渲染失败。' },


  // code
  'code.copy': { 'en-US': 'Copy', 'zh-CN': '复制' },
  'code.copied': { 'en-US': 'Copied', 'zh-CN': '已复制' },
  'code.copyFailed': { 'en-US': 'Copy failed', 'zh-CN': '复制失败' },
  'code.lines': { 'en-US': '{count} lines', 'zh-CN': '{count} 行' },

  // diff
  'diff.unified': { 'en-US': 'Unified', 'zh-CN': '统一视图' },
  'diff.split': { 'en-US': 'Split', 'zh-CN': '分栏视图' },
  'diff.files': { 'en-US': '{count} files', 'zh-CN': '{count} 个文件' },
  'diff.oneFile': { 'en-US': '1 file', 'zh-CN': '1 个文件' },
  'diff.collapse': { 'en-US': 'Collapse file', 'zh-CN': '折叠文件' },
  'diff.expand': { 'en-US': 'Expand file', 'zh-CN': '展开文件' },
  'diff.binary': { 'en-US': 'Binary file changed', 'zh-CN': '二进制文件已更改' },
  'diff.renamed': { 'en-US': 'renamed', 'zh-CN': '已重命名' },
  'diff.created': { 'en-US': 'new file', 'zh-CN': '新文件' },
  'diff.deleted': { 'en-US': 'deleted', 'zh-CN': '已删除' },
  'diff.unparsable': {
    'en-US': 'This diff could not be parsed; showing it as text.',
    'zh-CN': '无法解析此差异，按文本显示。',
  },
  'diff.noChanges': { 'en-US': 'No changes.', 'zh-CN': '没有更改。' },

  // errors (block kind)
  'error.refusal': { 'en-US': 'The model refused', 'zh-CN': '模型拒绝了请求' },
  'error.timeout': { 'en-US': 'Timed out', 'zh-CN': '超时' },
  'error.rate_limit': { 'en-US': 'Rate limited', 'zh-CN': '请求过于频繁' },
  'error.context_length': { 'en-US': 'Conversation too long', 'zh-CN': '对话过长' },
  'error.unavailable': { 'en-US': 'Engine unavailable', 'zh-CN': '引擎不可用' },
  'error.auth': { 'en-US': 'Engine authentication failed', 'zh-CN': '引擎认证失败' },
  'error.bad_response': { 'en-US': 'Unexpected engine response', 'zh-CN': '引擎响应异常' },
  'error.denied': { 'en-US': 'Permission denied', 'zh-CN': '权限不足' },
  'error.unknown': { 'en-US': 'Error', 'zh-CN': '错误' },

  // badges
  'badge.novelty': { 'en-US': 'Novelty', 'zh-CN': '新颖度' },
  'badge.expert': { 'en-US': 'Expert', 'zh-CN': '专家' },
  'badge.demo': { 'en-US': 'Demo', 'zh-CN': '演示' },

  // unknown blocks
  'fallback.title': { 'en-US': 'Unsupported block “{type}”', 'zh-CN': '不支持的内容块“{type}”' },
  'fallback.invalid': { 'en-US': 'Block “{type}” has data this panel cannot show', 'zh-CN': '内容块“{type}”的数据无法由此面板显示' },

  // markdown
  'md.image': { 'en-US': 'Image: {alt}', 'zh-CN': '图片：{alt}' },

  // group settings
  'settings.label': { 'en-US': 'AI assistant', 'zh-CN': 'AI 助手' },
  'settings.loading': { 'en-US': 'Loading settings…', 'zh-CN': '正在加载设置…' },
  'settings.loadFailed': { 'en-US': 'Could not load the settings: {message}', 'zh-CN': '无法加载设置：{message}' },
  'settings.readOnly': {
    'en-US': 'You can view these settings; changing them needs the “Configure the AI assistant” permission.',
    'zh-CN': '你可以查看这些设置；修改需要“配置 AI 助手”权限。',
  },
  'settings.enabled': { 'en-US': 'Enabled in this group', 'zh-CN': '在本群组启用' },
  'settings.engine': { 'en-US': 'Engine', 'zh-CN': '引擎' },
  'settings.agentId': { 'en-US': 'Agent id', 'zh-CN': '智能体 ID' },
  'settings.trigger': { 'en-US': 'Trigger', 'zh-CN': '触发方式' },
  'settings.trigger.mention': { 'en-US': 'When the bot is mentioned', 'zh-CN': '提及机器人时' },
  'settings.trigger.prefix': { 'en-US': 'Messages starting with a prefix', 'zh-CN': '以前缀开头的消息' },
  'settings.trigger.all': { 'en-US': 'Every message in chosen panels', 'zh-CN': '所选面板中的所有消息' },
  'settings.prefix': { 'en-US': 'Prefix', 'zh-CN': '前缀' },
  'settings.panels': { 'en-US': 'Panels where every message goes to the agent', 'zh-CN': '所有消息都交给智能体的面板' },
  'settings.panels.none': { 'en-US': 'This group has no text panels.', 'zh-CN': '本群组没有文本面板。' },
  'settings.panels.hint': {
    'en-US': 'Mentions and the prefix still work in every other panel.',
    'zh-CN': '在其他面板中，提及与前缀依然有效。',
  },
  'settings.sessionScope': { 'en-US': 'Conversation memory', 'zh-CN': '会话记忆范围' },
  'settings.scope.group': { 'en-US': 'One session for the whole group', 'zh-CN': '整个群组共用一个会话' },
  'settings.scope.panel': { 'en-US': 'One session per panel', 'zh-CN': '每个面板一个会话' },
  'settings.scope.thread': { 'en-US': 'One session per reply thread', 'zh-CN': '每个回复线程一个会话' },
  'settings.toolOutput': { 'en-US': 'Tool details (arguments and results)', 'zh-CN': '工具详情（参数与结果）' },
  'settings.toolOutput.private': { 'en-US': 'Only the requester and approvers', 'zh-CN': '仅请求者和审批人' },
  'settings.toolOutput.everyone': { 'en-US': 'Every member', 'zh-CN': '所有成员' },
  'settings.toolOutput.hint': {
    'en-US': 'Others see the tool name and status. Applies to new replies.',
    'zh-CN': '其他成员只能看到工具名称与状态。对之后的回复生效。',
  },
  'settings.save': { 'en-US': 'Save', 'zh-CN': '保存' },
  'settings.saving': { 'en-US': 'Saving…', 'zh-CN': '正在保存…' },
  'settings.saved': { 'en-US': 'AI assistant settings saved', 'zh-CN': 'AI 助手设置已保存' },
  'settings.saveFailed': { 'en-US': 'Not saved: {message}', 'zh-CN': '未保存：{message}' },
  'settings.invalid': { 'en-US': 'Check the highlighted fields.', 'zh-CN': '请检查标出的字段。' },
  'settings.required': { 'en-US': 'Required', 'zh-CN': '必填' },
  'settings.tooLong': { 'en-US': 'At most {max} characters', 'zh-CN': '最多 {max} 个字符' },

  // monthly token budget (a group setting) — see settings/UsageSection.tsx
  'settings.budget': { 'en-US': 'Monthly token budget', 'zh-CN': '每月 token 额度' },
  'settings.budget.hint': {
    'en-US': 'Empty = no limit. When the group has used this many tokens in a month (UTC), the assistant answers new prompts with a notice until the next month; /help, /stop and /new still work.',
    'zh-CN': '留空表示不限。本群在一个月（UTC）内用满该数量的 token 后，助手对新的提问只回复提示，直到下个月；/help、/stop 和 /new 仍然可用。',
  },
  'settings.budget.invalid': { 'en-US': 'A whole number above 0, or empty', 'zh-CN': '请输入大于 0 的整数，或留空' },

  // usage (settings panel, admins)
  'usage.title': { 'en-US': 'Usage this month ({month}, UTC)', 'zh-CN': '本月用量（{month}，UTC）' },
  'usage.loading': { 'en-US': 'Loading usage…', 'zh-CN': '正在加载用量…' },
  'usage.loadFailed': { 'en-US': 'Could not load the usage: {message}', 'zh-CN': '无法加载用量：{message}' },
  'usage.runs': { 'en-US': 'Runs', 'zh-CN': '运行次数' },
  'usage.tokens': { 'en-US': 'Tokens', 'zh-CN': 'Tokens' },
  'usage.tokensDetail': { 'en-US': '{input} in · {output} out', 'zh-CN': '输入 {input} · 输出 {output}' },
  'usage.budget': { 'en-US': '{used} of {budget} tokens ({percent}%)', 'zh-CN': '已用 {used} / {budget} tokens（{percent}%）' },
  'usage.budgetNone': { 'en-US': 'No monthly budget.', 'zh-CN': '未设置每月额度。' },
  'usage.budgetExceeded': {
    'en-US': 'Budget used up: new prompts are refused until {date}.',
    'zh-CN': '额度已用完：{date} 之前新的提问都会被拒绝。',
  },
  'usage.renews': { 'en-US': 'Renews on {date}', 'zh-CN': '{date} 重置' },
  'usage.users': { 'en-US': 'Top members', 'zh-CN': '用量最多的成员' },
  'usage.agents': { 'en-US': 'By agent', 'zh-CN': '按智能体' },
  'usage.none': { 'en-US': 'No runs this month yet.', 'zh-CN': '本月还没有运行。' },
  'usage.refresh': { 'en-US': 'Refresh', 'zh-CN': '刷新' },

  // audit log (settings panel, admins)
  'audit.title': { 'en-US': 'Audit log', 'zh-CN': '审计日志' },
  'audit.loading': { 'en-US': 'Loading the audit log…', 'zh-CN': '正在加载审计日志…' },
  'audit.loadFailed': { 'en-US': 'Could not load the audit log: {message}', 'zh-CN': '无法加载审计日志：{message}' },
  'audit.none': { 'en-US': 'No approvals, settings changes or opened tool details yet.', 'zh-CN': '还没有审批、设置变更或工具详情查看记录。' },
  'audit.approval.allow-once': { 'en-US': 'approved a command once', 'zh-CN': '批准了一次命令' },
  'audit.approval.allow-always': { 'en-US': 'always allowed a command', 'zh-CN': '始终允许了一条命令' },
  'audit.approval.deny': { 'en-US': 'denied a command', 'zh-CN': '拒绝了一条命令' },
  'audit.toolOutput': { 'en-US': 'opened the private details of a tool call', 'zh-CN': '查看了工具调用的私密详情' },
  'audit.settings': { 'en-US': 'changed the settings:', 'zh-CN': '修改了设置：' },
  'audit.agentAdded': { 'en-US': 'added the agent', 'zh-CN': '添加了智能体' },
  'audit.automationCreated': { 'en-US': 'scheduled a task', 'zh-CN': '创建了定时任务' },
  'audit.automationChanged': { 'en-US': 'changed a scheduled task', 'zh-CN': '修改了定时任务' },
  'audit.agentRemoved': { 'en-US': 'removed the agent', 'zh-CN': '移除了智能体' },
  'audit.empty': { 'en-US': '(none)', 'zh-CN': '（无）' },

  // summaries (chat input "+" menu, thread action)
  'summarize.unread': { 'en-US': 'Summarize unread', 'zh-CN': '总结未读消息' },
  'summarize.last': { 'en-US': 'Summarize last {count}', 'zh-CN': '总结最近 {count} 条' },
  'summarize.thread': { 'en-US': 'Summarize thread', 'zh-CN': '总结此话题' },
  'summarize.threadTitle': {
    'en-US': 'Ask the AI assistant to summarize this reply thread (posts /summarize thread in this panel)',
    'zh-CN': '让 AI 助手总结这个回复话题（会在本面板发送 /summarize thread）',
  },
  'summarize.failed': { 'en-US': 'Could not ask for the summary: {message}', 'zh-CN': '无法请求总结：{message}' },

  // starter prompts (chat input "+" menu; the picker's own strings are in starters/starters-i18n.ts)
  'starters.menu': { 'en-US': 'Suggested prompts', 'zh-CN': '推荐提问' },

  'request.failed': { 'en-US': 'Request failed', 'zh-CN': '请求失败' },
} as const;

export type MessageKey = keyof typeof MESSAGES;

// Compile-time check that every entry has both languages (esbuild 0.12 cannot parse `satisfies`).
const checkComplete: Record<MessageKey, Entry> = MESSAGES;
void checkComplete;

/** 'zh-CN' for any Chinese variant, English otherwise. */
export function currentLang(): Lang {
  let lang = '';
  try {
    lang = String(getLanguage() ?? '');
  } catch {
    // A host without i18next: fall back to the browser.
  }
  if (!lang && typeof navigator !== 'undefined') lang = navigator.language;
  return lang.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}

export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  return translate(MESSAGES[key], vars);
}

function translate(entry: Entry, vars?: Record<string, string | number>): string {
  const text = entry[currentLang()];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/**
 * `t` for a table of its own, kept in a lazily loaded chunk (every string here is in the start-up
 * chunk, which has a size budget): same shape, same languages, typed keys.
 */
export function translator<K extends string>(table: Record<K, Entry>): (key: K, vars?: Record<string, string | number>) => string {
  return (key, vars) => translate(table[key], vars);
}
