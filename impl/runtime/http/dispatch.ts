import type { NextFunction, Request, Response } from "express";
import type { OperationManifest } from "../manifest-types.ts";
import type { RequestContext } from "../request-context.ts";

/** What every generated handler method looks like once its types are erased. */
export type OperationHandler = (
  input: { path?: unknown; query?: unknown; headers?: unknown; body?: unknown },
  ctx: RequestContext,
) => Promise<{ readonly status: number; readonly body?: unknown }>;

export type HandlerTable = Readonly<Record<string, OperationHandler>>;

/** A generated handler interface: per operationId a method taking that operation's typed input. */
export type TypedHandlers<T> = {
  // The generated contracts carry an optional release marker ("~camaraRelease"), not a handler.
  readonly [K in Exclude<keyof T, "~camaraRelease">]: (
    input: never,
    ctx: RequestContext,
  ) => Promise<{ readonly status: number; readonly body?: unknown }>;
};

/**
 * The dispatch table of typed handlers. The one widening of their inputs: {@link dispatch} gives
 * each method the input of its own operation, built from the manifest after the OpenAPI validator
 * has checked the request against that operation.
 */
export function operationHandlers<T extends TypedHandlers<T>>(handlers: T): HandlerTable {
  return handlers as unknown as HandlerTable;
}

/** Builds a handler's input from the request, reading exactly the parameters the manifest declares. */
function inputOf(req: Request, operation: OperationManifest, pathParams: Record<string, string>) {
  const input: { path?: unknown; query?: unknown; headers?: unknown; body?: unknown } = {};
  const headers: Record<string, string> = {};
  const query: Record<string, unknown> = {};
  for (const p of operation.parameters) {
    if (p.in === "header") {
      const value = req.headers[p.name.toLowerCase()];
      if (typeof value === "string") headers[p.name] = value;
    } else if (p.in === "query" && req.query[p.name] !== undefined) {
      query[p.name] = req.query[p.name];
    }
  }
  if (operation.parameters.some((p) => p.in === "path")) input.path = pathParams;
  if (operation.parameters.some((p) => p.in === "query")) input.query = query;
  if (operation.parameters.some((p) => p.in === "header")) input.headers = headers;
  if (operation.requestBody) input.body = req.body;
  return input;
}

/** Calls the handler of the resolved operation and writes its documented status and body. */
export function dispatch(handlers: HandlerTable) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const operation = res.locals.operation as OperationManifest | undefined;
    const handler = operation && handlers[operation.operationId];
    if (!operation || !handler) return next();
    try {
      const ctx: RequestContext = { principal: res.locals.principal, correlator: res.locals.correlator };
      const result = await handler(inputOf(req, operation, res.locals.pathParams ?? {}), ctx);
      res.status(result.status);
      if (result.body === undefined) res.end();
      else res.json(result.body);
    } catch (error) {
      next(error);
    }
  };
}
