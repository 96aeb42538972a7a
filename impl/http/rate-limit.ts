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
    handler: (_req, _res, next, options) => {
      next(
        new ApiError("TOO_MANY_REQUESTS", "Rate limit reached; retry after the time given in Retry-After.", {
          headers: { "Retry-After": String(Math.ceil(options.windowMs / 1000)) },
        }),
      );
    },
  });
}
