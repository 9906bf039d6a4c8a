/**
 * The usual end-to-end set-up in one call, on the one builder (test/support/stack.ts): the real
 * Tailchat (the run's shared one on NATS; a Redis transporter gets its own instance), the bundle
 * as its own process on Tailchat's transporter (scripted engine unless `env` says otherwise), and
 * a conversation (alice and bob in a group, bob's socket listening).
 */
import { CHAT_SERVICE } from '../../services/names.js';
import type { BundleProcess } from './bundle-process.js';
import type { Conversation } from './conversation.js';
import { startStack } from './stack.js';
import type { TailchatInstance } from '../tailchat/kit.js';

export const PLUGIN = CHAT_SERVICE;

export interface AgentStack {
  tc: TailchatInstance;
  bundle: BundleProcess;
  conv: Conversation;
  stop(): Promise<void>;
}

export interface AgentStackOptions {
  label: string;
  transporter?: 'nats' | 'redis';
  /** The bundle's environment on top of the transporter and a quick scripted stream. */
  env?: Record<string, string>;
}

export async function startAgentStack(o: AgentStackOptions): Promise<AgentStack> {
  const stack = await startStack({
    label: o.label,
    ...(o.transporter === 'redis' ? { tailchat: 'own', transporter: 'redis' } : { tailchat: 'shared' }),
    bundle: { env: { AI_SCRIPTED_CHUNK_DELAY_MS: '40', AI_STREAM_INTERVAL_MS: '100', ...o.env }, label: `bundle-${o.label}` },
    conversation: true,
  });
  return { tc: stack.tc, bundle: stack.bundle, conv: stack.conv, stop: stack.stop };
}
