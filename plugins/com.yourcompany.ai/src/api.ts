/**
 * Calls to the plugin's backend (`plugin:com.yourcompany.ai`) through the host's sanctioned
 * `createPluginRequest` (adds the user's token; errors reject with the server's message).
 */
import { createPluginRequest } from '@capital/common';
import type { GroupSettings } from '../../../protocol/actions';
import { ACTIONS, PLUGIN_ID } from './constants';
import { t } from './i18n';

let client: ReturnType<typeof createPluginRequest> | null = null;
function request(): ReturnType<typeof createPluginRequest> {
  if (!client) client = createPluginRequest(PLUGIN_ID);
  return client;
}

export type ApprovalDecision = 'allow-once' | 'allow-always' | 'deny';

export async function stopRun(runId: string): Promise<void> {
  await request().post(ACTIONS.stopRun, { runId });
}

export async function resolveApproval(runId: string, approvalId: string, decision: ApprovalDecision): Promise<void> {
  await request().post(ACTIONS.resolveApproval, { runId, approvalId, decision });
}

export interface LoadedSettings {
  settings: Partial<GroupSettings>;
  canConfigure: boolean;
}

export async function getGroupSettings(groupId: string): Promise<LoadedSettings> {
  const { data } = await request().post(ACTIONS.getGroupSettings, { groupId });
  const body = (data ?? {}) as { settings?: Partial<GroupSettings>; canConfigure?: boolean };
  // Without the flag we let the user try; the server has the last word on save.
  return { settings: body.settings ?? {}, canConfigure: body.canConfigure !== false };
}

export async function saveGroupSettings(groupId: string, settings: Partial<GroupSettings>): Promise<Partial<GroupSettings>> {
  const { data } = await request().post(ACTIONS.saveGroupSettings, { groupId, settings });
  return ((data ?? {}) as { settings?: Partial<GroupSettings> }).settings ?? settings;
}

/** The server's refusal text (Tailchat's request layer puts it in `Error.message`). */
export function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  return message || t('request.failed');
}
