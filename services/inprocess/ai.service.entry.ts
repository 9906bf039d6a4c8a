/**
 * Build entry for the in-process form: bundled (esbuild, CommonJS, Node 18) into
 * `dist/tailchat-plugin/com.yourcompany.ai/services/`, which Tailchat loads from its
 * `server/plugins/` folder inside its own process. Only the chat side runs here; the runner
 * (engines, Node 24) runs as the bundle's own process with AI_ROLE=runner.
 */
import { ConfigError, getConfig } from '../../config/index.js';
import { createAiService } from '../ai.service.js';

export default function aiServiceForTailchat() {
  try {
    // Tailchat's own TRANSPORTER is its business here: the service rides Tailchat's broker.
    // Its MONGO_URL is the database the plugin's collections belong in, unless one is given.
    const env: Record<string, string | undefined> = { ...process.env, TRANSPORTER: undefined };
    if (!env.AI_MONGO_URL && !env.AI_MONGO_URL_FILE && env.MONGO_URL) env.AI_MONGO_URL = env.MONGO_URL;
    return createAiService({ ...getConfig(env), role: 'chat' });
  } catch (err) {
    if (err instanceof ConfigError) console.error(`[com.yourcompany.ai] ${err.message}`);
    throw err;
  }
}
