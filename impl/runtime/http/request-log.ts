import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import type { OperationManifest } from "../manifest-types.ts";

/**
 * One log line per request at level info, carrying the x-correlator so API, SIP and event logs can
 * be joined. With info disabled (LOG_LEVEL=warn and above) nothing is measured or listened for.
 */
export function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!logger.isLevelEnabled("info")) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const operation = res.locals.operation as OperationManifest | undefined;
      logger.info(
        {
          correlator: res.locals.correlator,
          method: req.method,
          path: req.path,
          operationId: operation?.operationId,
          status: res.statusCode,
          code: res.locals.errorCode,
          authFailure: res.locals.authFailure,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        "request",
      );
    });
    next();
  };
}
