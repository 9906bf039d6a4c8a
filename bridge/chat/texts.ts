/** Short messages the agent posts itself (commands, refusals). English first, then 中文. */
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** 1234567 → "1,234,567" (no Intl: Tailchat's Node may lack full ICU). */
const grouped = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export const TEXT = {
  help: (prefix: string) =>
    [
      'I am the AI assistant of this group. Mention me, reply to one of my messages' + `, or start with ${prefix} (when the group enables it).`,
      'Commands: /stop stops the running reply · /new starts a new conversation · /summarize [N] summarizes the last N messages (default 100) · /summarize thread (as a reply to a message, or with a message id) summarizes that reply thread, looking back at most 2,000 messages · /summarize unread summarizes what you had not read (best from the + menu of the message box: it knows where you were when you opened the panel) · /stats shows your statistics (engines that keep them) · /help shows this.',
      `提及我、回复我的消息或以 ${prefix} 开头即可提问。命令：/stop 停止回复 · /new 新对话 · /summarize [N] 总结最近 N 条消息 · /summarize thread（回复某条消息，或附消息 ID）总结该回复话题（最多回看 2000 条消息）· /summarize unread 总结你的未读消息（建议用输入框 + 菜单中的操作）· /stats 统计 · /help 帮助。`,
    ].join('\n'),
  noPermission: 'You do not have permission to use the AI assistant in this group. · 你没有在本群使用 AI 助手的权限。',
  promptTooLong: (max: number, got: number) =>
    `Your message is too long for the assistant (${got} characters, limit ${max}). · 消息过长（${got} 字符，上限 ${max}）。`,
  rateLimited: (scope: 'user' | 'group', seconds: number) =>
    scope === 'user'
      ? `You are sending requests faster than the assistant allows. Try again in ${seconds} s. · 请求过于频繁，请 ${seconds} 秒后再试。`
      : `This group is sending requests faster than the assistant allows. Try again in ${seconds} s. · 本群请求过于频繁，请 ${seconds} 秒后再试。`,
  stopped: 'Stopped. · 已停止。',
  nothingToStop: 'Nothing is running. · 当前没有正在进行的回复。',
  nothingOfYoursToStop:
    'None of your replies is running. Stopping replies others asked for needs the "approve" permission of the AI assistant. · 你没有正在进行的回复；停止他人的回复需要 AI 助手的“审批”权限。',
  newConversation: 'Started a new conversation: I forgot what we said before. · 已开始新对话。',
  nothingToSummarize: 'There is nothing to summarize here yet. · 这里还没有可总结的消息。',
  threadNeedsTarget:
    'Which thread? Send /summarize thread as a reply to one of its messages, or give a message id: /summarize thread <id>. · 请回复话题中的一条消息发送 /summarize thread，或附上消息 ID：/summarize thread <ID>。',
  threadNotFound: 'I could not find that message in the last 2,000 messages of this panel. · 在本面板最近 2000 条消息中找不到该消息。',
  nothingUnread: 'You had no unread messages here. · 这里没有你的未读消息。',
  nothingUnreadTyped:
    'Tailchat already counts everything here as read: the web client marks a panel read as soon as you look at it. Use "Summarize unread" in the + menu of the message box (it remembers where you were when you opened the panel), or /summarize N. · ' +
    'Tailchat 已将这里的消息全部标记为已读（打开面板即标记已读）。请使用输入框 + 菜单中的“总结未读消息”（它会记住你打开面板时的阅读位置），或 /summarize N。',
  readStateUnavailable: 'Your read position is not available to me here; try /summarize N. · 我无法读取你在这里的阅读位置，请使用 /summarize N。',
  noStats: 'This engine keeps no statistics. · 当前引擎没有统计信息。',
  unavailable: 'The AI assistant is unavailable right now. Please try again in a moment. · AI 助手暂时不可用，请稍后再试。',
  /** `month` is `YYYY-MM`, `renewsOn` `YYYY-MM-DD` (UTC). */
  /** `agent`: the nickname of the agent whose own budget in the group is used up (absent: the group's). */
  budgetExceeded: (month: string, used: number, budget: number, renewsOn: string, agent?: string) => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    const name = `${MONTH_NAMES[m - 1]} ${y}`;
    if (agent) {
      return (
        `${agent} has used its budget in this group for ${name} (${grouped(used)} of ${grouped(budget)} tokens). It renews on ${renewsOn}; an admin can raise it in the AI settings. · ` +
        `${agent} 在本群 ${y} 年 ${m} 月的额度已用完（${grouped(used)} / ${grouped(budget)} tokens），将于 ${renewsOn} 重置；管理员可在 AI 设置中调高额度。`
      );
    }
    return (
      `This group has used its AI budget for ${name} (${grouped(used)} of ${grouped(budget)} tokens). It renews on ${renewsOn}; an admin can raise it in the AI settings. · ` +
      `本群 ${y} 年 ${m} 月的 AI 额度已用完（${grouped(used)} / ${grouped(budget)} tokens），将于 ${renewsOn} 重置；管理员可在 AI 设置中调高额度。`
    );
  },
} as const;
