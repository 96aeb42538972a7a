import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from "express";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { ApiManifest } from "../../generated/r2.2/index.ts";
import type { TokenVerifier } from "../auth/principal.ts";
import { ApiError } from "../errors/api-error.ts";
import type { SchemaValidator } from "../validation/ajv-core.ts";
import { absentBody } from "./absent-body.ts";
import { authenticate } from "./authenticate.ts";
import { correlator } from "./correlator.ts";
import { dispatch, type HandlerTable } from "./dispatch.ts";
import { errorMiddleware } from "./error-middleware.ts";
import { continueIfExpected, jsonBody } from "./json-body.ts";
import { createHttpMetrics } from "./metrics.ts";
import { middlewareSeries } from "./middleware-series.ts";
import { openApiValidation } from "./openapi-validation.ts";
import { createOperationResolver } from "./operation-resolver.ts";
import { requestLog } from "./request-log.ts";
import type { ValidatorRouting } from "./validator-routing.ts";

export interface AppDeps {
  readonly apis: readonly ApiManifest[];
  /** Effective spec of each API, by name (generated/r2.2/<api>/openapi.json). */
  readonly specs: Record<string, object>;
  readonly schemas: SchemaValidator;
  /** operationId → handler, for every operation of every manifest. */
  readonly handlers: HandlerTable;
  readonly verifier: TokenVerifier;
  readonly logger: Logger;
  /** Validate responses against the spec (development and tests). */
  readonly validateResponses: boolean;
  /** Request body limit, bytes. Default 262144. */
  readonly bodyLimitBytes?: number;
  /** Deepest nesting of objects and arrays in a request body (the top level is 1). Default 32. */
  readonly bodyMaxDepth?: number;
  /**
   * Express "trust proxy" (TRUST_PROXY): a number of proxy hops or the proxies' addresses, so that
   * `req.ip` (the rate limit's key, the logs) is the client behind them. Default off.
   */
  readonly trustProxy?: false | number | readonly string[];
  /** Per-client request budget; omit to disable rate limiting. */
  readonly rateLimit?: RequestHandler;
  /** Extra routes mounted before the API (dev issuer, relay, demo). */
  readonly extraRoutes?: (app: Express) => void;
  /** More Prometheus registries served at /metrics (event delivery's). */
  readonly metrics?: readonly Registry[];
  /** /readyz answers 200 only when this returns true. */
  readonly ready: () => Promise<boolean>;
}

/**
 * The HTTP face of the gateway, built from the generated operation manifests: no hand-written route
 * table. Order: correlator → operation resolution (404/405) → rate limit → authentication (401/403)
 * → JSON body (size, depth) → OpenAPI validation (400/415) → undeclared members dropped → handler →
 * one error middleware.
 */
export function createApp(deps: AppDeps): Express {
  const operations = deps.apis.flatMap((api) => api.operations);
  const missing = operations.filter((op) => !deps.handlers[op.operationId]).map((op) => op.operationId);
  if (missing.length > 0) throw new Error(`No handler for ${missing.join(", ")}`);
  const resolve = createOperationResolver(operations);
  const metrics = createHttpMetrics(deps.metrics);
  const bodyLimitBytes = deps.bodyLimitBytes ?? 262_144;

  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  if (deps.trustProxy !== undefined && deps.trustProxy !== false)
    app.set("trust proxy", typeof deps.trustProxy === "number" ? deps.trustProxy : [...deps.trustProxy]);
  // Consecutive middlewares on every path are mounted as one layer each (middleware-series.ts).
  app.use(middlewareSeries([correlator, requestLog(deps.logger), metrics.middleware]));

  const resolveOperation = (req: Request, res: Response, next: NextFunction) => {
    const found = resolve(req.method, req.path);
    if (found.kind === "not_found") return next(ApiError.notFound("The specified resource"));
    if (found.kind === "bad_path_parameter") {
      return next(
        ApiError.invalidArgument(
          found.problem === "missing"
            ? `Expected property is missing: ${found.name}`
            : `The path parameter ${found.name} is not validly percent-encoded.`,
        ),
      );
    }
    if (found.kind === "method_not_allowed") {
      return next(
        new ApiError(
          "METHOD_NOT_ALLOWED",
          `${req.method} is not allowed on ${req.path}; allowed: ${found.allowed.join(", ")}.`,
          {
            headers: { Allow: found.allowed.join(", ") },
          },
        ),
      );
    }
    res.locals.operation = found.operation;
    res.locals.pathParams = found.pathParams;
    next();
  };
  /** Per API, whether its validator takes its routes from the gateway (validator-routing.ts). */
  const validatorRouting: Record<string, ValidatorRouting> = {};
  app.locals.validatorRouting = validatorRouting;
  const apiMiddlewares = middlewareSeries([
    resolveOperation,
    ...(deps.rateLimit ? [deps.rateLimit] : []),
    authenticate(deps.verifier),
    absentBody,
    jsonBody({ limitBytes: bodyLimitBytes, maxDepth: deps.bodyMaxDepth ?? 32 }),
    ...openApiValidation(deps.apis, deps.specs, deps.schemas, {
      validateResponses: deps.validateResponses,
      onValidatorRouting: (api, routing) => {
        validatorRouting[api] = routing;
        if (!routing.installed)
          deps.logger.warn({ api }, "express-openapi-validator looks up routes itself (unexpected version)");
      },
    }),
    dispatch(deps.handlers),
  ]);
  // The API's layer comes second, ahead of the operational routes, so that an API request is not
  // matched against each of them first; other paths pass it by.
  const basePaths = deps.apis.map((api) => api.basePath);
  const isApiPath = (path: string) =>
    basePaths.some(
      (base) => path.startsWith(base) && (path.length === base.length || path[base.length] === "/"),
    );
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (isApiPath(req.path)) {
      apiMiddlewares(req, res, next);
      return;
    }
    // Other routes read their bodies without asking (json-body.ts sends the API's 100 Continue).
    continueIfExpected(req, res);
    next();
  });

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const ready = await deps.ready().catch(() => false);
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready" });
  });
  app.get("/metrics", metrics.endpoint);
  deps.extraRoutes?.(app);

  app.use((_req: Request, _res: Response, next: NextFunction) =>
    next(ApiError.notFound("The specified resource")),
  );
  app.use(errorMiddleware(deps.logger, bodyLimitBytes));
  return app;
}
