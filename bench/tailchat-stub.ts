/**
 * Tailchat's actions the bundle calls, answered at once on the bench's own broker, so benchmarks
 * measure the bundle and not Tailchat's store. `gateway.notify` is left to each bench (that is
 * where it takes its timings).
 */
import type moleculer from 'moleculer';

export interface TailchatStubOptions {
  botUserId: string;
  /** Owner of every group (and the other DM member). */
  ownerUserId: string;
  /** Message ids for stored messages. */
  nextId: () => string;
  /** The text panel of a group (the plugin checks that a message's converse is one of its group's panels). */
  panelOf?: (groupId: string) => string;
  /** Called for every stored message (a final reply, or a part of one). */
  onFinal?: (message: { converseId: string; meta?: Record<string, unknown> }) => void;
}

/** The panel every group has unless `panelOf` says otherwise (the benches' one converse). */
export const DEFAULT_PANEL = 'd0000000000000000000d0d0';

export function addTailchatStub(broker: moleculer.ServiceBroker, o: TailchatStubOptions): void {
  const { botUserId: BOT, ownerUserId: USER } = o;
  broker.createService({ name: 'user', actions: { ensurePluginBot: () => BOT, getUserInfo: (ctx: moleculer.Context<{ userId: string }>) => ({ _id: ctx.params.userId, type: ctx.params.userId === BOT ? 'pluginBot' : 'normalUser' }) } });
  broker.createService({ name: 'group', actions: { getUserAllPermissions: () => [], getGroupInfo: (ctx: moleculer.Context<{ groupId: string }>) => ({
        _id: ctx.params.groupId,
        owner: USER,
        // The agent's bot is a member of every group, as after the default join (bridge/agents/).
        members: [
          { userId: USER, roles: [] },
          { userId: BOT, roles: [] },
        ],
        panels: [{ id: o.panelOf?.(ctx.params.groupId) ?? DEFAULT_PANEL, type: 0 }],
      }),
      addMember: () => true,
    },
  });
  broker.createService({ name: 'group.extra', actions: { getGroupData: () => ({ data: null }), saveGroupData: () => true } });
  broker.createService({ name: 'chat.converse', actions: { findConverseInfo: () => ({ members: [USER, BOT] }) } });
  broker.createService({
    name: 'chat.message',
    actions: {
      sendMessage: (ctx: moleculer.Context<{ converseId: string; meta?: Record<string, unknown> }>) => {
        o.onFinal?.(ctx.params);
        return { _id: o.nextId(), converseId: ctx.params.converseId };
      },
      getMessage: () => null,
    },
  });
}
