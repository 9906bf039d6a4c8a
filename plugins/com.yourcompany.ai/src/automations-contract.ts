/**
 * The automations protocol's constants (protocol/automations.ts), copied like those of
 * constants.ts and typed with the protocol's literal types, so `tsc` fails the moment they drift.
 * Importing them from the protocol would pull zod (and protocol/actions.ts's schemas) into the
 * chunks of the message view and api.ts.
 */
import type * as Automations from '../../../protocol/automations';

export const AUTOMATION_ACTIONS: typeof Automations.AUTOMATION_ACTIONS = {
  listAutomations: 'listAutomations',
  changeAutomation: 'changeAutomation',
};

/** Where a delivered result of a scheduled task names its job and creator (beside the reply meta). */
export const SCHEDULED_META_KEY: typeof Automations.SCHEDULED_META_KEY = 'com.yourcompany.ai.scheduled';
