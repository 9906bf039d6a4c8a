/**
 * Reaching the runner that executes a run (Stop, approval decisions): a run lives on exactly one
 * runner instance, and only that one may act on it. The ledger names the owner when Redis is
 * shared; otherwise (or when the named owner is gone or no longer has the run) every runner is
 * asked and only the owner acts — the others answer that the run is not theirs.
 */
export interface OwnerRoute<T> {
  /** The ledger's owner of the run (undefined without a shared ledger). */
  ownerOf?: (runId: string) => Promise<string | undefined>;
  /** Calls the action on one node. */
  callOn: (nodeID: string) => Promise<T>;
  /** Calls the action on every live runner. */
  callEvery: () => Promise<PromiseSettledResult<T>[]>;
  /** Whether an answer means "I have this run and acted on it". */
  acted: (result: T) => boolean;
}

/** Moleculer's "that node or service is not there (any more)" errors: ask everyone instead. */
const UNREACHABLE = new Set(['SERVICE_NOT_FOUND', 'SERVICE_NOT_AVAILABLE', 'REQUEST_TIMEOUT', 'REQUEST_REJECTED']);
const unreachable = (err: unknown) => UNREACHABLE.has(String((err as { type?: unknown } | null)?.type));

/**
 * The owner's answer; undefined when no runner has the run. An error of the runner that has it
 * (e.g. the engine refused the decision) is thrown.
 */
export async function reachRunOwner<T>(runId: string, route: OwnerRoute<T>): Promise<T | undefined> {
  const owner = await route.ownerOf?.(runId).catch(() => undefined);
  if (owner) {
    try {
      const result = await route.callOn(owner);
      if (route.acted(result)) return result;
    } catch (err) {
      if (!unreachable(err)) throw err;
    }
  }
  const results = await route.callEvery();
  const hit = results.find((r): r is PromiseFulfilledResult<Awaited<T>> => r.status === 'fulfilled' && route.acted(r.value));
  if (hit) return hit.value;
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !unreachable(r.reason));
  if (failed) throw failed.reason;
  return undefined;
}
