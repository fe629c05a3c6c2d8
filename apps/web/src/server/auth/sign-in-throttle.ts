/** Limits failed sign-ins per e-mail and client address, in memory (one console process). */
export interface SignInThrottle {
  /** Milliseconds until `key` may try again, or 0 when it may try now. */
  retryAfter(key: string, now?: number): number;
  /** Counts a failed attempt of `key`. */
  failed(key: string, now?: number): void;
  /** Forgets `key`'s failures (after a successful sign-in). */
  succeeded(key: string): void;
}

/**
 * A throttle allowing `maxFailures` failed sign-ins per key within `windowMs` (default 10 per 15 minutes),
 * then refusing the key until the window that began with its first failure ends. Keys are forgotten when
 * their window ends, so the map stays small.
 */
export function createSignInThrottle(maxFailures = 10, windowMs = 15 * 60_000): SignInThrottle {
  const failures = new Map<string, { count: number; since: number }>();
  const live = (key: string, now: number) => {
    const entry = failures.get(key);
    if (entry !== undefined && now - entry.since >= windowMs) {
      failures.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    retryAfter(key, now = Date.now()) {
      const entry = live(key, now);
      return entry !== undefined && entry.count >= maxFailures ? entry.since + windowMs - now : 0;
    },
    failed(key, now = Date.now()) {
      const entry = live(key, now);
      if (entry === undefined) failures.set(key, { count: 1, since: now });
      else entry.count += 1;
    },
    succeeded(key) {
      failures.delete(key);
    },
  };
}
