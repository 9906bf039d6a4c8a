/**
 * The visit tracker (visits.ts) bound to the host: Tailchat's store for read positions and the
 * reconnect count, and the read positions asked for when the plugin loaded — before the app
 * rendered. Per browser tab; nothing is stored.
 */
import { getGlobalState, postRequest } from '@capital/common';
// Two statements: mini-star's bundled esbuild does not parse inline `type` modifiers.
import { createVisitTracker } from './visits';
import type { ReadPosition } from './visits';

export type { ReadPosition } from './visits';

let atStartup: Promise<Map<string, string> | null> = Promise.resolve(null);

/** The signed-in user's token, if one is stored and not expired (react-native-storage envelope). */
function hasLiveToken(): boolean {
  try {
    const jwt = (JSON.parse(localStorage.getItem('jsonwebtoken') ?? 'null') as { rawData?: unknown } | null)?.rawData;
    if (typeof jwt !== 'string' || jwt.split('.').length !== 3) return false;
    const payload = JSON.parse(atob(jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return typeof payload.exp !== 'number' || payload.exp * 1000 > Date.now();
  } catch {
    return false;
  }
}

/** Called once when the plugin loads, which Tailchat does before it renders the app. */
export function loadStartupReadPositions(): void {
  // Without a live token the request would 401, and Tailchat answers a 401 by going to the login page.
  if (!hasLiveToken()) return;
  atStartup = postRequest('/chat/ack/all')
    .then(({ data }) => {
      const map = new Map<string, string>();
      if (Array.isArray(data)) {
        for (const a of data as Array<{ converseId?: unknown; lastMessageId?: unknown }>) {
          if (typeof a?.converseId === 'string' && typeof a.lastMessageId === 'string') map.set(a.converseId, a.lastMessageId);
        }
      }
      return map;
    })
    .catch(() => null);
}

const visits = createVisitTracker({
  storedAck: (converseId) => {
    const ack = getGlobalState()?.chat?.ack?.[converseId];
    return typeof ack === 'string' && ack ? ack : undefined;
  },
  reconnects: () => getGlobalState()?.global?.reconnectNum ?? 0,
  atStartup: () => atStartup,
});

export const visitStarted = visits.started;
export const visitEnded = visits.ended;
export const newestShown = visits.shown;

/** The read position when the current (or last) visit of `converseId` began. */
export function readPositionAtVisitStart(converseId: string): Promise<ReadPosition> {
  return visits.readUpTo(converseId);
}

export function currentConverseId(): string | undefined {
  return getGlobalState()?.chat?.currentConverseId ?? undefined;
}
