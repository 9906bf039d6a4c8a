/**
 * Which users speak for the agent, asked of the server once per page (`getAgentUsers`). Until the
 * answer is here every message renders as its plain text: a forged panel must never flash, and a
 * real reply only turns into its panel a moment later. A failed question is asked again with a
 * growing pause (up to a minute), also when the action is missing: the plugin's service may start
 * after the page. Nothing is remembered across page loads (the bot's id may change with a reinstall).
 */
import { useSyncExternalStore } from 'react';
import { createPluginRequest } from '@capital/common';
import { ACTIONS, PLUGIN_ID } from './constants';

export type AgentUsers = ReadonlySet<string>;

let known: AgentUsers | undefined;
let asking = false;
let pauseMs = 1_000;
const listeners = new Set<() => void>();

/** The server's answer (`agentUsersView` in protocol/actions.ts), checked by hand: no zod in the entry chunk. */
async function getAgentUsers(): Promise<string[]> {
  const { data } = await createPluginRequest(PLUGIN_ID).post(ACTIONS.getAgentUsers, {});
  const ids = (data as { userIds?: unknown } | undefined)?.userIds;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && id !== '')) throw new Error('unexpected getAgentUsers answer');
  return ids as string[];
}

function ask(): void {
  if (known || asking) return;
  asking = true;
  getAgentUsers().then(
    (ids) => {
      known = new Set(ids);
      listeners.forEach((listener) => listener());
    },
    (err: unknown) => {
      console.warn('[com.yourcompany.ai] could not learn the agent users; replies show as plain text for now', err);
      setTimeout(() => {
        asking = false;
        ask();
      }, pauseMs);
      pauseMs = Math.min(pauseMs * 2, 60_000);
    }
  );
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  ask();
  return () => void listeners.delete(listener);
}

/** The agent users, or undefined while the server has not said yet. */
export function useAgentUsers(): AgentUsers | undefined {
  return useSyncExternalStore(subscribe, () => known);
}
