import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { ApiError, type ErrorCode } from "../errors/api-error.ts";
import { StoreUnavailableError } from "../errors/store-unavailable-error.ts";
import type { OperationManifest } from "../manifest-types.ts";
import { type ValidatorIssue, validationError } from "./validation-errors.ts";

/** express-openapi-validator and body-parser errors carry an HTTP status (and issues for 400s). */
interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  errors?: ValidatorIssue[];
  message?: string;
}

const STATUS_CODES: Record<number, { code: ErrorCode; message: string }> = {
  404: { code: "NOT_FOUND", message: "The specified resource is not found." },
  405: {
    code: "METHOD_NOT_ALLOWED",
    message: "The requested method is not allowed/supported on the target resource.",
  },
  406: {
    code: "NOT_ACCEPTABLE",
    message: "The server cannot produce a response matching the Accept header.",
  },
  415: { code: "UNSUPPORTED_MEDIA_TYPE", message: "The request body must be application/json." },
};

/** Everything a request can fail with, as one ApiError. */
export function toApiErrorFromHttp(
  error: unknown,
  operation: OperationManifest | undefined,
): ApiError | undefined {
  if (error instanceof ApiError) return error;
  // The database is down or unreachable (its address and error stay in the log).
  if (error instanceof StoreUnavailableError)
    return new ApiError("UNAVAILABLE", "The service is temporarily unavailable; retry later.", {
      cause: error,
    });
  const e = (error ?? {}) as HttpishError;
  const status = e.status ?? e.statusCode;
  if (e.type === "entity.parse.failed")
    return ApiError.invalidArgument("The request body is not a valid JSON object.");
  if (e.type === "entity.too.large") return ApiError.invalidArgument("The request body is too large.");
  if (e.type === "charset.unsupported" || e.type === "encoding.unsupported") {
    return new ApiError("UNSUPPORTED_MEDIA_TYPE", "The request body must be UTF-8 encoded application/json.");
  }
  if (status === 400 && Array.isArray(e.errors)) return validationError(operation?.operationId, e.errors);
  if (status === 400)
    return ApiError.invalidArgument("Client specified an invalid argument, request body or query param.");
  const mapped = status === undefined ? undefined : STATUS_CODES[status];
  return mapped ? new ApiError(mapped.code, mapped.message) : undefined;
}

/**
 * The one error handler: every failure leaves as CAMARA `ErrorInfo` JSON with the x-correlator
 * already set. Unknown errors are logged with their cause and become 500 INTERNAL that leaks nothing.
 * The body is written with `res.send`, not `res.json`, so the response validator (which wraps
 * `res.json`) does not reject error statuses a spec leaves undocumented, such as 405 or 415.
 * `bodyLimitBytes` is the request body limit: an unread body larger than that is never drained.
 */
export function errorMiddleware(logger: Logger, bodyLimitBytes = 262_144) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const operation = res.locals.operation as OperationManifest | undefined;
    let apiError = toApiErrorFromHttp(error, operation);
    if (!apiError) {
      logger.error({ err: error, correlator: res.locals.correlator, path: req.path }, "unexpected error");
      apiError = new ApiError("INTERNAL", "An internal error occurred; the request may be retried.");
    } else if (apiError.status >= 500) {
      logger.error({ err: apiError.cause ?? apiError, correlator: res.locals.correlator }, apiError.message);
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(apiError.headers)) res.setHeader(name, value);
    // Node drains an unread body to keep the connection, however large it is: one that may exceed
    // the body limit (declared so, or chunked) is not read now either; closing the connection ends it.
    const declared = Number(req.headers["content-length"]);
    if (!req.complete && !(declared <= bodyLimitBytes)) res.setHeader("Connection", "close");
    if (apiError.status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="camara"');
    res.locals.errorCode = apiError.code;
    res.status(apiError.status).type("application/json").send(JSON.stringify(apiError.toErrorInfo()));
  };
}
