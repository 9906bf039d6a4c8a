/**
 * Where the user had read up to in a converse when they opened it, for "Summarize unread".
 *
 * Tailchat's web client marks messages read as soon as they are on screen (each message sits in
 * a MessageAckContainer whose IntersectionObserver posts `chat.ack.update`), so once a panel is
 * open its read position is already at the end. This remembers the position as it was at the
 * start of each visit: taken from the client's store in a layout effect of the message box,
 * which runs in the commit that first shows the messages, before the browser lays them out and
 * any IntersectionObserver can fire. When the store does not know yet (a page that opens right
 * on the panel), the read positions asked for when the plugin loaded — before the app rendered —
 * stand in. Per browser tab; nothing is stored.
 */
import { getGlobalState, postRequest } from '@capital/common';

/** undefined = unknown; null = never read. */
export type ReadPosition = string | null | undefined;

interface Visit {
  readUpTo: Promise<ReadPosition>;
  /** Message boxes of this converse on screen now (a panel can also be open in a popup). */
  open: number;
  /** The client's socket reconnect count when a message box of it last appeared. */
  reconnects: number;
}

const visits = new Map<string, Visit>();
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

function readPositionNow(converseId: string): Promise<ReadPosition> {
  const ack = getGlobalState()?.chat?.ack?.[converseId];
  if (typeof ack === 'string' && ack) return Promise.resolve(ack);
  return atStartup.then((map) => (map ? (map.get(converseId) ?? null) : undefined));
}

function reconnectCount(): number {
  return getGlobalState()?.global?.reconnectNum ?? 0;
}

/**
 * A message box of `converseId` appeared (layout effect: before Tailchat acks what it shows).
 * Tailchat also remounts it after a socket reconnect (it reloads the messages): that is the same
 * visit, told apart from leaving and coming back by the reconnect count having moved.
 */
export function visitStarted(converseId: string): void {
  const visit = visits.get(converseId);
  const reconnects = reconnectCount();
  if (visit && (visit.open > 0 || visit.reconnects !== reconnects)) {
    visit.open++;
    visit.reconnects = reconnects;
    return;
  }
  visits.set(converseId, { readUpTo: readPositionNow(converseId), open: 1, reconnects });
}

export function visitEnded(converseId: string): void {
  const visit = visits.get(converseId);
  if (visit) visit.open = Math.max(0, visit.open - 1);
}

/** The read position when the current (or last) visit of `converseId` began. */
export function readPositionAtVisitStart(converseId: string): Promise<ReadPosition> {
  return visits.get(converseId)?.readUpTo ?? Promise.resolve(undefined);
}

export function currentConverseId(): string | undefined {
  return getGlobalState()?.chat?.currentConverseId ?? undefined;
}
