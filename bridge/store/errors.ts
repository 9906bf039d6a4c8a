/**
 * "The plugin's database cannot be reached" as the driver reports it, so the actions can answer
 * with a clear, retryable refusal instead of a driver message (which names hosts and ports).
 */
import { MongoNetworkError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb';

export const STORE_UNAVAILABLE_TEXT = 'The AI assistant cannot reach its data right now. Please try again in a moment.';

export function isStoreUnavailable(err: unknown): boolean {
  return err instanceof MongoServerSelectionError || err instanceof MongoNetworkError || err instanceof MongoTopologyClosedError;
}
