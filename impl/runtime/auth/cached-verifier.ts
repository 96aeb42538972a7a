import type { Principal, TokenVerifier } from "./principal.ts";

export interface VerificationCacheOptions {
  /** Tokens remembered at most; the least recently used is dropped first. Default 10000. */
  readonly maxEntries?: number;
  /**
   * How long a positive answer is reused, in milliseconds, never past the token's own expiry.
   * Bounds how late a revocation seen by introspection takes effect. Default 60000.
   */
  readonly maxAgeMs?: number;
  /** Current time, epoch milliseconds. Default `Date.now`. */
  readonly clock?: () => number;
}

/**
 * Remembers successful verifications so that a client reusing its token costs one signature check
 * (or one introspection call) per `maxAgeMs` rather than one per request. Failures are never cached.
 */
export function withVerificationCache(
  verifier: TokenVerifier,
  options: VerificationCacheOptions = {},
): TokenVerifier {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const clock = options.clock ?? Date.now;
  const cache = new Map<string, { principal: Principal; until: number }>();
  return {
    async verify(token) {
      const now = clock();
      const hit = cache.get(token);
      if (hit) {
        cache.delete(token);
        if (hit.until > now) {
          cache.set(token, hit);
          return hit.principal;
        }
      }
      const principal = await verifier.verify(token);
      const until = Math.min(now + maxAgeMs, principal.expiresAtMs ?? Number.POSITIVE_INFINITY);
      cache.set(token, { principal, until });
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
      return principal;
    },
  };
}
