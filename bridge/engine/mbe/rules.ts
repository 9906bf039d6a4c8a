/**
 * The seed gateway's small rules, as pure functions: the system prompt, the memory importance,
 * the reply notes (as badges), and the texts of /stats and /help.
 */
import type { Badge } from '../types.js';
import type { MemoryReadResponse, RouteResponse, SurpriseResponse } from './wire.js';

/** The seed routes to an expert and only names it when routing is this sure (strictly above). */
export const EXPERT_CONFIDENCE_THRESHOLD = 0.8;
/** What /stats asks memory.read for (the seed's values). */
export const STATS_QUERY = { query: 'conversation', top_k: 100 } as const;

const BASE_SYSTEM_PROMPT = 'You are a friendly, professional AI assistant powered by MBE (Mises Behavior Engine).';

/** The seed's system prompt: the base, plus the chosen expert when there is one. */
export function systemPrompt(expertId: string | undefined): string {
  return expertId ? `${BASE_SYSTEM_PROMPT} Answer using the knowledge of the ${expertId} expert.` : BASE_SYSTEM_PROMPT;
}

/** importance = 0.5 + 0.5 × surprise. Unknown surprise (the call failed) counts as 0: the base 0.5. */
export function importance(surpriseScore: number | undefined): number {
  const s = surpriseScore === undefined || !Number.isFinite(surpriseScore) ? 0 : Math.min(1, Math.max(0, surpriseScore));
  return 0.5 + 0.5 * s;
}

/** The expert the seed uses: the first selected one (routing may select none). */
export function chosenExpert(route: RouteResponse | undefined): string | undefined {
  return route?.selected_experts[0]?.id;
}

/**
 * The seed appends two notes to the reply; we send them as badges (rendered by the frontend, and
 * appended as `[label]` to the plain text by the bridge) so the model's text stays untouched.
 */
export function badgesFor(surprise: SurpriseResponse | undefined, route: RouteResponse | undefined): Badge[] {
  const badges: Badge[] = [];
  if (surprise?.is_novel) badges.push({ kind: 'novelty', label: `New to you (surprise ${surprise.surprise_score.toFixed(2)})` });
  const expert = chosenExpert(route);
  if (expert && route && route.routing_confidence > EXPERT_CONFIDENCE_THRESHOLD) badges.push({ kind: 'expert', label: `Answered by the ${expert} expert` });
  return badges;
}

export function statsText(read: MemoryReadResponse): string {
  return ['📊 Your MBE statistics:', `💬 Conversation records: ${read.total_count}`, `🧠 Memory items: ${read.memories.length}`].join('\n');
}

export const STATS_UNAVAILABLE = 'Statistics are unavailable right now. Please try again later.';

/** MBE-specific lines for /help (the chat side lists the general commands). */
export function helpText(prefix = '/ai'): string {
  return [
    'This group talks to MBE (Mises Behavior Engine). For every message it:',
    '• measures how new it is to you (a "New to you" note when it is),',
    '• routes it to the most suitable expert (named when the routing is confident),',
    '• remembers the exchange in your working memory.',
    `${prefix} stats — how many of your conversations MBE remembers`,
  ].join('\n');
}
