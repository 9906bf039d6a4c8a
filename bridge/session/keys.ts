/**
 * Conversation memory keys. One memory per group by default; narrower scopes per panel or per
 * reply thread when a group asks for it; one per user for direct messages. The format follows
 * OpenClaw's own session keys (`agent:<agentId>:<channel>:group:<id>`, `:thread:<id>`), which
 * the gateway lower-cases; other engines use the same string as an opaque key.
 */
export type SessionScope = 'group' | 'panel' | 'thread';

export interface SessionPlace {
  agentId: string;
  /** The key's channel segment (default `tailchat`); each bundle agent but the first has its own. */
  channel?: string;
  scope: SessionScope;
  groupId?: string;
  converseId: string;
  /** Root message id of the reply chain, when the prompt replies to something. */
  threadRootId?: string;
  /** The requester, for direct messages. */
  userId: string;
}

const CHANNEL = 'tailchat';
const SAFE = /^[a-z0-9_-]+$/i;

export function sessionKeyFor(p: SessionPlace): string {
  const agent = clean(p.agentId);
  const channel = p.channel === undefined ? CHANNEL : clean(p.channel);
  if (!p.groupId) return `agent:${agent}:${channel}:direct:${clean(p.userId)}`;
  const base = `agent:${agent}:${channel}:group:${clean(p.groupId)}`;
  switch (p.scope) {
    case 'group':
      return base;
    case 'panel':
      return `${base}:channel:${clean(p.converseId)}`;
    case 'thread':
      return p.threadRootId ? `${base}:channel:${clean(p.converseId)}:thread:${clean(p.threadRootId)}` : `${base}:channel:${clean(p.converseId)}`;
  }
}

/** Ids are Tailchat ObjectIds; anything else is refused rather than spliced into a key. */
function clean(id: string): string {
  if (!SAFE.test(id)) throw new Error(`unsafe id in session key: ${JSON.stringify(id)}`);
  return id.toLowerCase();
}
