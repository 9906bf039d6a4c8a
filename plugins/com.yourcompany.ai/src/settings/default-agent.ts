/** The choices of the group's default agent. No host imports: unit tests import this file. */
import type { GroupAgentsView } from '../../../../protocol/actions';

/** The members (only they answer in the group), and the stored default even when it is not one, so the select shows it. */
export function defaultAgentChoices(view: GroupAgentsView): GroupAgentsView['agents'] {
  return view.agents.filter((a) => a.member || a.agentId === view.defaultAgentId);
}
