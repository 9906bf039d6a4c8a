/** Short messages the agent posts itself (commands, refusals). English first, then 中文. */
export const TEXT = {
  help: (prefix: string) =>
    [
      'I am the AI assistant of this group. Mention me, reply to one of my messages' + `, or start with ${prefix} (when the group enables it).`,
      'Commands: /stop stops the running reply · /new starts a new conversation · /summarize [N] summarizes the last N messages (default 100) · /stats shows your statistics (engines that keep them) · /help shows this.',
      `提及我、回复我的消息或以 ${prefix} 开头即可提问。命令：/stop 停止回复 · /new 新对话 · /summarize [N] 总结最近 N 条消息 · /stats 统计 · /help 帮助。`,
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
  newConversation: 'Started a new conversation: I forgot what we said before. · 已开始新对话。',
  nothingToSummarize: 'There is nothing to summarize here yet. · 这里还没有可总结的消息。',
  noStats: 'This engine keeps no statistics. · 当前引擎没有统计信息。',
  unavailable: 'The AI assistant is unavailable right now. Please try again in a moment. · AI 助手暂时不可用，请稍后再试。',
} as const;
