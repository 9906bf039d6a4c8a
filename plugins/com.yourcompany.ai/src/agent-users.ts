/**
 * Which users speak for the agents, and the agents themselves, asked of the server once per page
 * (`getAgentUsers`). Until the answer is here every message renders as its plain text: a forged
 * panel must never flash, and a real reply only turns into its panel a moment later. A failed
 * question is asked again with a growing pause (up to a minute), also when the action is missing:
 * the plugin's service may start after the page. Nothing is remembered across page loads (the
 * bots' ids may change with a reinstall).
 */
import { useSyncExternalStore } from 'react';
import { createPluginRequest } from '@capital/common';
import { parseAgentUsers } from './agents';
import type { KnownAgents } from './agents';
import { ACTIONS, PLUGIN_ID } from './constants';

export type AgentUsers = ReadonlySet<string>;
export type { KnownAgents };

let known: KnownAgents | undefined;
let asking = false;
let pauseMs = 1_000;
const listeners = new Set<() => void>();

function ask(): void {
  if (known || asking) return;
  asking = true;
  createPluginRequest(PLUGIN_ID)
    .post(ACTIONS.getAgentUsers, {})
    .then(({ data }) => parseAgentUsers(data))
    .then(
      (answer) => {
        known = answer;
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

/** The agents and their users, or undefined while the server has not said yet. */
export function useKnownAgents(): KnownAgents | undefined {
  return useSyncExternalStore(subscribe, () => known);
}

/** The agent users, or undefined while the server has not said yet. */
export function useAgentUsers(): AgentUsers | undefined {
  return useKnownAgents()?.userIds;
}

/** The answer once the server has given it (outside React: the starter prompt picker). */
export function knownAgents(): Promise<KnownAgents> {
  if (known) return Promise.resolve(known);
  return new Promise((resolve) => {
    const unsubscribe = subscribe(() => {
      if (!known) return;
      unsubscribe();
      resolve(known);
    });
  });
}
