import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { ApiError } from "../errors/api-error.ts";

/** XCorrelator in all three r2.2 specs. */
export const X_CORRELATOR_PATTERN = /^[a-zA-Z0-9-_:;./<>{}]{0,256}$/;

/**
 * x-correlator handling: a valid received value is echoed on the response, whatever its status; an
 * absent one is generated; an invalid one is refused with 400 and, so as not to reflect untrusted
 * bytes into a header, answered with a generated value.
 */
export function correlator(req: Request, res: Response, next: NextFunction): void {
  const received = req.headers["x-correlator"];
  const value = Array.isArray(received) ? received.join(",") : received;
  if (value !== undefined && value !== "" && X_CORRELATOR_PATTERN.test(value)) {
    res.locals.correlator = value;
    res.setHeader("x-correlator", value);
    next();
    return;
  }
  const generated = randomUUID();
  res.locals.correlator = generated;
  res.setHeader("x-correlator", generated);
  if (value !== undefined && value !== "") {
    next(ApiError.invalidArgument("The x-correlator header does not match the XCorrelator pattern."));
    return;
  }
  next();
}
