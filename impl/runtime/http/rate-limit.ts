import type { RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import { ApiError } from "../errors/api-error.ts";

/**
 * A fixed-window request budget per client address (express-rate-limit), answered with CAMARA
 * 429 TOO_MANY_REQUESTS and a Retry-After header (RFC 9110 §10.2.3, in seconds).
 */
export function createRateLimit(requestsPerMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: requestsPerMinute,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    handler: (req, _res, next, options) => {
      // RFC 9110 §10.2.3: delay-seconds until this client's window ends (the store's reset time),
      // at least 1; the whole window only when the store keeps no reset time.
      const resetMs = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime?.getTime();
      const seconds =
        resetMs === undefined ? options.windowMs / 1000 : Math.max(1, (resetMs - Date.now()) / 1000);
      next(
        new ApiError("TOO_MANY_REQUESTS", "Rate limit reached; retry after the time given in Retry-After.", {
          headers: { "Retry-After": String(Math.ceil(seconds)) },
        }),
      );
    },
  });
}
