/**
 * The command messages the plugin's summarize actions send as the user: ordinary messages
 * ("/summarize unread"), visible to the panel, that the server handles like a typed command
 * (permissions, rate limits, the reply quoting them). The command meta addresses them to the
 * agent without a mention and carries the read position only the browser knows.
 */
import { sendMessage, showToasts } from '@capital/common';
import type { ChatInputActionContext, ChatMessagePayload } from '@capital/common';
import type * as CommandMeta from '../../../../protocol/command-meta';
import { t } from '../i18n';
import { currentConverseId, readPositionAtVisitStart } from './read-marker';
import type { ReadPosition } from './read-marker';

export const AI_COMMAND_META_KEY: typeof CommandMeta.AI_COMMAND_META_KEY = 'com.yourcompany.ai.command';

function commandMeta(readUpTo?: ReadPosition): Record<string, CommandMeta.CommandMeta> {
  return { [AI_COMMAND_META_KEY]: { v: 1, ...(readUpTo !== undefined ? { readUpTo } : {}) } };
}

function failed(err: unknown): void {
  showToasts(t('summarize.failed', { message: err instanceof Error ? err.message : String(err) }), 'error');
}

export async function summarizeUnread(ctx: ChatInputActionContext): Promise<void> {
  const converseId = currentConverseId();
  const readUpTo = converseId ? await readPositionAtVisitStart(converseId) : undefined;
  await Promise.resolve(ctx.sendMsg('/summarize unread', commandMeta(readUpTo))).catch(failed);
}

export async function summarizeLast(ctx: ChatInputActionContext, count: number): Promise<void> {
  await Promise.resolve(ctx.sendMsg(`/summarize ${count}`, commandMeta())).catch(failed);
}

export async function summarizeThread(message: ChatMessagePayload): Promise<void> {
  await sendMessage({
    converseId: message.converseId,
    ...(message.groupId ? { groupId: message.groupId } : {}),
    content: `/summarize thread ${message._id}`,
    meta: commandMeta(),
  }).catch(failed);
}
