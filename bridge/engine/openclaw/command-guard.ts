/**
 * Keeps chat members' text out of the gateway's command layer.
 *
 * The bundle sends every prompt as an operator's `chat.send`, and the gateway reads an operator's
 * text as an authorized sender's: standalone commands (`/status`, `/restart`, `/loop` …),
 * directives anywhere in the text (`/exec security=full ask=off` lifts exec approvals for that
 * message, `/model` or a model alias switches the session's model, `/elevated` …), inline
 * shortcuts, and `!` host shell commands. The gateway's own opt-out (`suppressCommandInterpretation`)
 * needs an admin-scoped client, and an admin-scoped sender is the gateway's *owner*: the bundle
 * must not send members' text that way. So every token the gateway would read as a command is made
 * inert before it is sent: its `/` becomes `∕` (U+2215, which no Unicode normalization folds back),
 * a leading `!` becomes `ǃ` (U+01C3). The model still reads the words.
 *
 * Which tokens: the gateway matches `/<name>` after the start or whitespace and before the end,
 * whitespace or `:` (its directive pattern), for its command names and the configured model
 * aliases. Both are read from the gateway (`commands.list`, `config.get`; operator.read) on every
 * connection; until they are known, or when they cannot be read, every such token is made inert
 * (fails closed; a one-segment path like `/tmp` then reads `∕tmp` to the model).
 */
import { z } from 'zod';
import type { EngineLogger } from '../logger.js';

const SLASH_TOKEN = /(?<!\S)\/([^\s/:]+)(?=$|\s|:)/gu;
const LEADING_BANG = /^(\s*)!/u;
export const INERT_SLASH = '\u2215';
export const INERT_BANG = '\u01c3';

/** Makes the command tokens of `text` inert; `names` undefined = every slash token (not known yet). */
export function inertCommands(text: string, names: ReadonlySet<string> | undefined): string {
  return text
    .replace(LEADING_BANG, `$1${INERT_BANG}`)
    .replace(SLASH_TOKEN, (token, name: string) => (names === undefined || names.has(name.toLowerCase()) ? `${INERT_SLASH}${name}` : token));
}

const commandsList = z.object({
  commands: z.array(z.looseObject({ name: z.string(), textAliases: z.array(z.string()).optional() })),
});
const configWithAliases = z.looseObject({
  config: z
    .looseObject({
      agents: z.looseObject({ defaults: z.looseObject({ models: z.record(z.string(), z.looseObject({ alias: z.string().optional() }).catch({})).optional() }).optional() }).optional(),
    })
    .optional(),
});

/** The names the gateway would read as commands: every text alias, every name, every model alias. */
export function commandNamesOf(list: unknown, config: unknown): Set<string> {
  const names = new Set<string>();
  for (const c of commandsList.parse(list).commands) {
    names.add(c.name.replace(/^\//, '').toLowerCase());
    for (const alias of c.textAliases ?? []) names.add(alias.replace(/^\//, '').toLowerCase());
  }
  const models = configWithAliases.parse(config).config?.agents?.defaults?.models ?? {};
  for (const entry of Object.values(models)) if (entry.alias) names.add(entry.alias.replace(/^\//, '').toLowerCase());
  return names;
}

export interface CommandGuard {
  /** Reads the gateway's command names again (on every connection open). */
  refresh(): void;
  /** `text` with its command tokens inert (waits for a read in flight). */
  inert(text: string): Promise<string>;
}

export function createCommandGuard(request: <T>(method: string, params: unknown) => Promise<T>, logger: EngineLogger): CommandGuard {
  let names: Set<string> | undefined;
  let loading: Promise<void> | undefined;
  const load = async () => {
    try {
      const [list, config] = await Promise.all([request<unknown>('commands.list', { scope: 'text', includeArgs: false }), request<unknown>('config.get', {})]);
      names = commandNamesOf(list, config);
    } catch (err) {
      // Keep the last list; without one every slash token stays inert.
      logger.warn('openclaw: could not read the gateway command names; slash words in prompts are made inert', { error: err instanceof Error ? err.message : String(err) });
    }
  };
  return {
    refresh() {
      const current = load().finally(() => {
        if (loading === current) loading = undefined;
      });
      loading = current;
    },
    async inert(text) {
      if (loading) await loading;
      return inertCommands(text, names);
    },
  };
}
