/**
 * The usual end-to-end set-up in one call: an isolated real Tailchat, the bundle as its own
 * process on Tailchat's transporter (scripted engine unless `env` says otherwise), and a
 * conversation (alice and bob in a group, bob's socket listening).
 */
import { startBundleProcess, type BundleProcess } from './bundle-process.js';
import { startConversation, type Conversation } from './conversation.js';
import { startTailchat, waitForHealthServices, type TailchatInstance } from '../tailchat/kit.js';

export const PLUGIN = 'plugin:com.yourcompany.ai';

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
  const tc = await startTailchat({ transporter: o.transporter ?? 'nats', label: o.label });
  const bundle = startBundleProcess(
    { TRANSPORTER: tc.transporter, TAILCHAT_NAMESPACE: tc.namespace, AI_SCRIPTED_CHUNK_DELAY_MS: '40', AI_STREAM_INTERVAL_MS: '100', ...o.env },
    `bundle-${o.label}`,
  );
  try {
    await waitForHealthServices(tc.url, [PLUGIN, `${PLUGIN}.runner`], 60_000);
    const conv = await startConversation(tc);
    return {
      tc,
      bundle,
      conv,
      async stop() {
        conv.close();
        await bundle.stop();
        await tc.stop();
      },
    };
  } catch (err) {
    await bundle.stop();
    await tc.stop();
    throw err;
  }
}
