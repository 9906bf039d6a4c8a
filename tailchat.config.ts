/**
 * tailchat-agent configuration. Every key is optional (defaults in config/schema.ts); env
 * variables override these values (config/env.ts, README "Configuration reference").
 * Secrets (gateway token, MBE key) are NOT written here: use env or *_FILE.
 */
import { defineConfig } from './config/define.js';

export default defineConfig({
  transporter: { namespace: 'tailchat' },
  bot: { id: 'com.yourcompany.ai', nickname: 'AI Assistant' },
  engines: { default: 'scripted' },
  groupDefaults: {
    enabled: true,
    agentId: 'main',
    trigger: 'mention',
    prefix: '/ai',
    allMessagesPanels: [],
    sessionScope: 'group',
  },
  permissions: { invokeByDefault: true },
  dm: { enabled: true },
  stream: { intervalMs: 250 },
});
