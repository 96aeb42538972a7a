import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from "express";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { TokenVerifier } from "../auth/principal.ts";
import { ApiError } from "../errors/api-error.ts";
import type { ApiManifest } from "../manifest-types.ts";
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

/** One CAMARA release served by the app: its own routes, validation and handlers. */
export interface ServedRelease {
  readonly release: string;
  readonly apis: readonly ApiManifest[];
  /** Effective spec of each API of the release, by name (generated/<release>/<api>/openapi.json). */
  readonly specs: Record<string, object>;
  readonly schemas: SchemaValidator;
  /** operationId → handler, for every operation of every manifest of the release. */
  readonly handlers: HandlerTable;
}

export interface AppDeps {
  /** Every release served; their base paths must not overlap. */
  readonly releases: readonly ServedRelease[];
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

  /** Per `<release>/<api>`, whether its validator takes its routes from the gateway (validator-routing.ts). */
  const validatorRouting: Record<string, ValidatorRouting> = {};
  app.locals.validatorRouting = validatorRouting;
  const served = deps.releases.map((release) => ({
    basePaths: release.apis.map((api) => api.basePath),
    chain: releaseChain(release, deps, bodyLimitBytes, validatorRouting),
  }));
  const underBase = (path: string, base: string) =>
    path.startsWith(base) && (path.length === base.length || path[base.length] === "/");
  // The API's layer comes second, ahead of the operational routes, so that an API request is not
  // matched against each of them first; other paths pass it by.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const release = served.find((r) => r.basePaths.some((base) => underBase(req.path, base)));
    if (release) {
      release.chain(req, res, next);
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

/**
 * The middleware chain of one release: the routing table is its manifests, validation its
 * effective specs, dispatch its handlers. Nothing is shared between releases but the services.
 */
function releaseChain(
  release: ServedRelease,
  deps: AppDeps,
  bodyLimitBytes: number,
  validatorRouting: Record<string, ValidatorRouting>,
): RequestHandler {
  const operations = release.apis.flatMap((api) => api.operations);
  const missing = operations.filter((op) => !release.handlers[op.operationId]).map((op) => op.operationId);
  if (missing.length > 0) throw new Error(`No handler for ${missing.join(", ")} of ${release.release}`);
  const resolve = createOperationResolver(operations);
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
  return middlewareSeries([
    resolveOperation,
    ...(deps.rateLimit ? [deps.rateLimit] : []),
    authenticate(deps.verifier),
    absentBody,
    jsonBody({ limitBytes: bodyLimitBytes, maxDepth: deps.bodyMaxDepth ?? 32 }),
    ...openApiValidation(release.apis, release.specs, release.schemas, {
      validateResponses: deps.validateResponses,
      onValidatorRouting: (api, routing) => {
        validatorRouting[`${release.release}/${api}`] = routing;
        if (!routing.installed)
          deps.logger.warn({ api }, "express-openapi-validator looks up routes itself (unexpected version)");
      },
    }),
    dispatch(release.handlers),
  ]);
}
