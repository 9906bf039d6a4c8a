/**
 * A stand-in for the Tailchat services the bundle calls, as one small Moleculer node on the
 * transporter (for bench/scale-out.bench.ts): it answers at once and keeps nothing but the
 * finals, so Tailchat's own store is not what a throughput figure measures. It also plays
 * Tailchat's part of emitting `chat.message.updateMessage` for each prompt.
 */
import moleculer from 'moleculer';
import { AI_META_KEY } from '../protocol/blocks.js';

export const BOT_ID = 'b0000000000000000000b0b0';
const USER = 'a0000000000000000000a1a1';

export interface Final {
  runId: string;
  status: string;
  at: number;
}

export interface TailchatStandIn {
  broker: moleculer.ServiceBroker;
  /** Final messages stored, in order. */
  finals: Final[];
  /** Nodes that resolved the plugin bot (= bundle instances whose chat side and runner are up). */
  botResolvedBy: Set<string>;
  /** Tailchat posts a message that mentions the agent; returns the run id it leads to. */
  mention(prompt: string, groupId: string): string;
}

let seq = 0;
const oid = (prefix: string) => `${prefix}${(++seq).toString(16).padStart(24 - prefix.length, '0')}`;

type AiMetaLike = { runId?: string; status?: string };
const aiMetaOf = (meta: unknown) => (meta as Record<string, AiMetaLike> | undefined)?.[AI_META_KEY];

export async function startTailchatStandIn(transporter: string, namespace: string): Promise<TailchatStandIn> {
  const broker = new moleculer.ServiceBroker({ namespace, nodeID: `tailchat-stand-in-${process.pid}-${namespace}`, transporter, serializer: 'JSON', logger: false });
  const finals: Final[] = [];
  const botResolvedBy = new Set<string>();
  type Ctx<P> = moleculer.Context<P>;

  broker.createService({
    name: 'user',
    actions: {
      ensurePluginBot: (ctx: Ctx<unknown>) => {
        if (ctx.nodeID) botResolvedBy.add(ctx.nodeID);
        return BOT_ID;
      },
      getUserInfo: (ctx: Ctx<{ userId: string }>) => ({ _id: ctx.params.userId, nickname: 'someone', type: ctx.params.userId === BOT_ID ? 'pluginBot' : 'normalUser' }),
    },
  });
  broker.createService({
    name: 'group',
    actions: {
      getUserAllPermissions: () => [],
      getGroupInfo: (ctx: Ctx<{ groupId: string }>) => ({ _id: ctx.params.groupId, owner: USER, members: [{ userId: USER }] }),
    },
  });
  broker.createService({ name: 'group.extra', actions: { getGroupData: () => ({ data: null }), saveGroupData: () => true } });
  broker.createService({ name: 'chat.converse', actions: { findConverseInfo: () => ({ members: [USER, BOT_ID] }) } });
  broker.createService({
    name: 'chat.message',
    actions: {
      sendMessage: (ctx: Ctx<{ converseId: string; meta?: unknown }>) => {
        const meta = aiMetaOf(ctx.params.meta);
        if (meta?.runId) finals.push({ runId: meta.runId, status: meta.status ?? '?', at: performance.now() });
        return { _id: oid('f'), converseId: ctx.params.converseId };
      },
      getMessage: () => null,
      fetchConverseMessage: () => [],
    },
  });
  broker.createService({
    name: 'gateway',
    actions: {
      // Live drafts (socket pushes in Tailchat): accepted and dropped.
      notify: () => undefined,
    },
  });
  await broker.start();

  return {
    broker,
    finals,
    botResolvedBy,
    mention(prompt, groupId) {
      const messageId = oid('e');
      // What Tailchat's chat.message service emits for a new message (a balanced event: one
      // instance of the chat side gets it).
      void broker.emit('chat.message.updateMessage', {
        type: 'add',
        groupId,
        converseId: groupId.replace(/^g/, 'c'),
        messageId,
        author: USER,
        content: `[at=${BOT_ID}]AI Assistant[/at] ${prompt}`,
        meta: { mentions: [BOT_ID] },
      });
      return `tc-${messageId}`;
    },
  };
}
