import type { NextFunction, Request, Response } from "express";
import { ApiError } from "../errors/api-error.ts";
import type { OperationManifest } from "../manifest-types.ts";

/** Whether the request carries no body at all (RFC 9112 §6.3: no Content-Length and no Transfer-Encoding). */
function hasNoBody(req: Request): boolean {
  return req.headers["transfer-encoding"] === undefined && (req.headers["content-length"] ?? "0") === "0";
}

/**
 * A request without a body has no media type to check. For an operation whose body is required it
 * is 400 INVALID_ARGUMENT, as the CAMARA tests expect ("the request body is not included"), not 415.
 * For an optional body, the handler receives `undefined`.
 */
export function absentBody(req: Request, res: Response, next: NextFunction): void {
  const operation = res.locals.operation as OperationManifest | undefined;
  if (!operation?.requestBody || !hasNoBody(req)) {
    next();
    return;
  }
  if (operation.requestBody.required) {
    next(ApiError.invalidArgument("The request body is required."));
    return;
  }
  // Let the validator see a JSON request with no content rather than an unknown media type.
  req.headers["content-type"] = "application/json";
  next();
}
