/**
 * OpenClaw's canonical session key: lower-cased, `agent:<agentId>:` prefixed. The gateway
 * rewrites `tailchat:group:x` to `agent:main:tailchat:group:x` and tags every event with the
 * canonical form, so the engine sends and matches that form.
 */
const AGENT_PREFIX = /^agent:([a-z0-9_-]+):/;

export function canonicalSessionKey(sessionKey: string, agentId: string): string {
  const key = sessionKey.trim().toLowerCase();
  if (key.length === 0) throw new Error('empty session key');
  const canonical = AGENT_PREFIX.test(key) ? key : `agent:${agentId.toLowerCase()}:${key}`;
  if (canonical.length > 512) throw new Error('session key longer than 512 characters');
  return canonical;
}

export function agentIdOfSessionKey(canonicalKey: string): string | undefined {
  return AGENT_PREFIX.exec(canonicalKey)?.[1];
}
