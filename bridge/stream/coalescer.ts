/**
 * Rate-limits live updates of one run: at most one publish per `intervalMs`, one in flight at a
 * time, newest snapshot wins (intermediate ones are dropped, not queued). The same shape as
 * OpenClaw's own throttled draft streams, so a fast model never floods Tailchat's sockets.
 */
export interface Coalescer<T> {
  /**
   * Offers the newest snapshot; returns at once. `soon`: publish without waiting for the interval
   * (still one in flight at a time) — for the update a reader is waiting for, like the first text.
   */
  update(snapshot: T, opts?: { soon?: boolean }): void;
  /** Publishes the pending snapshot (if any) after the in-flight one, then resolves. */
  flush(): Promise<void>;
  /** Drops anything pending; later updates are ignored. */
  close(): void;
  readonly published: number;
}

export interface CoalescerOptions<T> {
  intervalMs: number;
  publish: (snapshot: T) => Promise<void>;
  onError?: (err: unknown) => void;
  now?: () => number;
}

export function createCoalescer<T>(opts: CoalescerOptions<T>): Coalescer<T> {
  const now = opts.now ?? Date.now;
  let pending: { value: T } | undefined;
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let last = -Infinity;
  let closed = false;
  let published = 0;
  let soon = false;

  const send = (): Promise<void> => {
    if (!pending || closed) return Promise.resolve();
    const { value } = pending;
    pending = undefined;
    soon = false;
    last = now();
    published++;
    inFlight = opts
      .publish(value)
      .catch((err) => opts.onError?.(err))
      .finally(() => {
        inFlight = undefined;
        schedule();
      });
    return inFlight;
  };

  const schedule = () => {
    if (!pending || inFlight || timer || closed) return;
    const wait = soon ? 0 : last + opts.intervalMs - now();
    if (wait <= 0) void send();
    else
      timer = setTimeout(() => {
        timer = undefined;
        if (!inFlight) void send();
      }, wait);
  };

  return {
    get published() {
      return published;
    },
    update(snapshot, o) {
      if (closed) return;
      pending = { value: snapshot };
      if (o?.soon && !soon) {
        soon = true;
        if (timer) clearTimeout(timer);
        timer = undefined;
      }
      schedule();
    },
    async flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      while (inFlight) await inFlight;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (pending && !closed) await send();
      while (inFlight) await inFlight;
    },
    close() {
      closed = true;
      pending = undefined;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
