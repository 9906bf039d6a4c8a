/**
 * Build entry for the in-process form: bundled (esbuild, CommonJS, Node 18) into
 * `dist/tailchat-plugin/com.yourcompany.ai/services/`, which Tailchat loads from its
 * `server/plugins/` folder inside its own process. Only the chat side runs here; the runner
 * (engines, Node 24) runs as the bundle's own process with AI_ROLE=runner.
 */
import { ConfigError, getConfig } from '../../config/index.js';
import { createAiService } from '../ai.service.js';

/**
 * The bundle's environment inside Tailchat's process. Tailchat's own TRANSPORTER is its business
 * here: the service rides Tailchat's broker. Tailchat's MONGO_URL is the database the plugin's
 * collections belong in, unless AI_MONGO_URL names one.
 */
export function tailchatProcessEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env, TRANSPORTER: undefined };
  if (!out.AI_MONGO_URL && out.MONGO_URL) out.AI_MONGO_URL = out.MONGO_URL;
  return out;
}

export default function aiServiceForTailchat() {
  try {
    return createAiService({ ...getConfig(tailchatProcessEnv(process.env)), role: 'chat' });
  } catch (err) {
    if (err instanceof ConfigError) console.error(`[com.yourcompany.ai] ${err.message}`);
    throw err;
  }
}
