/**
 * Contract constants the entry chunk needs, duplicated on purpose: importing a value from
 * protocol/*.ts would pull zod (~26 KB gzip) into the always-loaded entry, because rollup cannot
 * tree-shake the schema calls there. Each constant is typed with the protocol's literal type, so
 * `tsc` fails the moment the protocol changes and these drift.
 */
import type * as Blocks from '../../../protocol/blocks';
import type * as Actions from '../../../protocol/actions';

export const PLUGIN_ID: typeof Blocks.PLUGIN_ID = 'com.yourcompany.ai';
export const AI_META_KEY: typeof Blocks.AI_META_KEY = 'com.yourcompany.ai';

export const PERMISSIONS: typeof Actions.PERMISSIONS = {
  invoke: 'plugin.com.yourcompany.ai.invoke',
  approve: 'plugin.com.yourcompany.ai.approve',
  configure: 'plugin.com.yourcompany.ai.configure',
  schedule: 'plugin.com.yourcompany.ai.schedule',
};

export const ACTIONS: typeof Actions.ACTIONS = {
  stopRun: 'stopRun',
  regenerate: 'regenerate',
  resolveApproval: 'resolveApproval',
  getGroupSettings: 'getGroupSettings',
  saveGroupSettings: 'saveGroupSettings',
  getUsage: 'getUsage',
  getAuditLog: 'getAuditLog',
  getFailedReplies: 'getFailedReplies',
  getRegenerateAccess: 'getRegenerateAccess',
  getToolOutput: 'getToolOutput',
  getToolOutputAccess: 'getToolOutputAccess',
  getAgentUsers: 'getAgentUsers',
  getGroupAgents: 'getGroupAgents',
  setGroupAgent: 'setGroupAgent',
};

/** Engines the backend knows (config/schema.ts `engineId`); the settings select also keeps any other stored value. */
export const KNOWN_ENGINES = ['openclaw', 'mbe', 'scripted'] as const;
