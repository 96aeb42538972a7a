/** Back-off between delivery attempts to a sink that failed transiently. */
export interface RetryPolicy {
  /** Delay before the first retry, ms (before jitter). */
  readonly baseMs: number;
  /** Upper bound of any computed delay, ms. */
  readonly maxMs: number;
  /** Upper bound of a sink's `Retry-After`, ms, so that one answer cannot park a sink for days. */
  readonly retryAfterMaxMs: number;
}

/**
 * Exponential back-off with "equal jitter": after the n-th failed attempt (n ≥ 1) the delay is
 * drawn from [d/2, d] with d = min(maxMs, baseMs · 2^(n−1)), so retries of many sinks spread out
 * while each still waits at least half the nominal delay.
 */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + random() * (nominal / 2));
}

/**
 * The delay a `Retry-After` header asks for, ms, or undefined when absent or unreadable.
 * RFC 9110 §10.2.3: `Retry-After = HTTP-date / delay-seconds`.
 */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP-date names its day and month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone
  // would read "-5" as a year.
  if (!/[A-Za-z]{3}/.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** The wait before the next attempt: the sink's Retry-After when given (capped), else back-off. */
export function nextAttemptDelayMs(
  attempt: number,
  retryAfter: number | undefined,
  policy: RetryPolicy,
  random?: () => number,
): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.retryAfterMaxMs);
  return retryDelayMs(attempt, policy, random);
}
