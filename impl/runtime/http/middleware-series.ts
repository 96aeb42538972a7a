import type { NextFunction, Request, RequestHandler, Response } from "express";

/**
 * Several middlewares mounted as one, run the way Express 5 runs consecutive `app.use` layers
 * (router/lib/layer.js handleRequest): in order, each when the previous calls `next()`; the first
 * error (passed to `next`, thrown, or a rejected promise) skips the rest and goes to the error
 * handlers.
 *
 * Why: every layer costs the router a match, a params object and a closure per request. The API
 * middlewares always run together on the same paths, so one layer does the same work with less.
 */
export function middlewareSeries(handlers: readonly RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    let index = 0;
    const step = (error?: unknown): void => {
      // As the router does: a falsy value or "route" (outside a route) moves on to the next handler.
      if (error && error !== "route") {
        next(error);
        return;
      }
      const handler = handlers[index++];
      if (!handler) {
        next();
        return;
      }
      try {
        const result = handler(req, res, step) as unknown;
        if (result instanceof Promise)
          result.then(undefined, (err: unknown) => step(err || new Error("Rejected promise")));
      } catch (err) {
        step(err);
      }
    };
    step();
  };
}
