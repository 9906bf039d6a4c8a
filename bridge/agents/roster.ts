/**
 * The configured agents, resolved once from the config: ids, bot ids, engines, and which one is
 * the default. Without `agents` in the config there is one agent made of `bot` (the "AI Assistant"
 * every install had before named agents), so existing installs keep their bot user and sessions.
 */
import type { AgentConfig, BundleConfig, EngineId } from '../../config/schema.js';

/** The id of the agent made of `bot` when the config names no agents. */
export const LEGACY_AGENT_ID = 'assistant';

export interface Agent {
  id: string;
  /** Plugin-bot id: Tailchat's user `<botId>@tailchat-plugin.com`. */
  botId: string;
  nickname: string;
  avatar?: string;
  /** Absent: the group's engine setting decides. */
  engine?: EngineId;
  /** Absent: the group's agentId setting decides. */
  engineAgentId?: string;
  instructions?: string;
  starterPrompts: string[];
  /** Joins the groups where the assistant is enabled by default (groupDefaults.enabled). */
  joinGroups: boolean;
  /** The first agent: the default of every group that names none. It keeps today's session keys. */
  isDefault: boolean;
}

export interface Roster {
  readonly agents: readonly Agent[];
  readonly defaultAgent: Agent;
  byId(agentId: string): Agent | undefined;
}

export function agentsOf(config: Pick<BundleConfig, 'agents' | 'bot' | 'groupDefaults'>): Agent[] {
  const listed: AgentConfig[] = config.agents ?? [
    { id: LEGACY_AGENT_ID, botId: config.bot.id, nickname: config.bot.nickname, ...(config.bot.avatar ? { avatar: config.bot.avatar } : {}), starterPrompts: [] },
  ];
  return listed.map((a, i) => ({
    id: a.id,
    botId: a.botId ?? (i === 0 ? config.bot.id : `${config.bot.id}.${a.id}`),
    nickname: a.nickname,
    ...(a.avatar ? { avatar: a.avatar } : {}),
    ...(a.engine ? { engine: a.engine } : {}),
    ...(a.engineAgentId ? { engineAgentId: a.engineAgentId } : {}),
    ...(a.instructions ? { instructions: a.instructions } : {}),
    starterPrompts: a.starterPrompts,
    joinGroups: (a.joinGroups ?? i === 0) && config.groupDefaults.enabled,
    isDefault: i === 0,
  }));
}

export function createRoster(config: Pick<BundleConfig, 'agents' | 'bot' | 'groupDefaults'>): Roster {
  const agents = agentsOf(config);
  const byId = new Map(agents.map((a) => [a.id, a]));
  return { agents, defaultAgent: agents[0]!, byId: (id) => byId.get(id) };
}

/** Two agents on one bot user would answer as each other: refused when the config is loaded. */
export function duplicateBotIds(config: Pick<BundleConfig, 'agents' | 'bot' | 'groupDefaults'>): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const a of agentsOf(config)) (seen.has(a.botId) ? dup : seen).add(a.botId);
  return [...dup];
}
