/**
 * Socket events the backend pushes to the web client through Tailchat's `gateway.notify`.
 * Tailchat prefixes nothing for a plain Moleculer service, so names are sent in full.
 */
export const PLUGIN_EVENT_PREFIX = 'notify:plugin:com.yourcompany.ai.';
/** Live state of a run (same shape as the persisted meta), for panels that listen directly. */
export const RUN_EVENT = 'run';
