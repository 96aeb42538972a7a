import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { OperationManifest } from "../manifest-types.ts";

/** What express-openapi-validator 5.x's OpenApiContext holds that this needs (its route table). */
interface ValidatorContext {
  readonly routes: readonly {
    readonly basePath: string;
    readonly expressRoute: string;
    readonly openApiRoute: string;
    readonly method: string;
  }[];
  readonly apiDoc: { readonly paths: Record<string, Record<string, unknown> | undefined> };
  readonly serial: number;
}

type ApiDoc = ValidatorContext["apiDoc"] | undefined;
type MetadataFactory = (context: ValidatorContext, responseApiDoc: ApiDoc) => RequestHandler;

export interface ValidatorRouting {
  /** Whether the validator takes its routes from the gateway (false: its own lookup runs). */
  readonly installed: boolean;
  /** Requests the validator's own lookup handled (no resolved operation, or HEAD). */
  readonly fallbacks: () => number;
}

/**
 * express-openapi-validator finds a request's route by compiling the pattern of each route it scans
 * with path-to-regexp on every request (middlewares/openapi.metadata.js, lookupRoute; about 12% of
 * the gateway's allocations and 4–5% of its CPU in bench:api; upstream, pull request
 * cdimascio/express-openapi-validator#1217 caches the patterns). The gateway has already routed the
 * request from the manifests (operation-resolver.ts), so the validator is handed that result
 * instead: its metadata step is replaced by one that takes the route from the validator's own
 * route table by method and `fullPath`, and sets `req.openapi`, the validator's documented request
 * annotation, as lookupRoute sets it. Validation itself is the validator's, unchanged.
 *
 * `instance` is the OpenApiValidator that `middleware()` just made (it exposes it as
 * `middleware._oav`); its metadata step is built at the first request, so this must run before.
 * Fail-safe: if that instance or its context does not have the expected shape (another version),
 * nothing is replaced and the validator's own lookup runs, only slower; a unit test pins that it is
 * replaced with the installed version.
 */
export function routeValidatorFromGateway(instance: unknown): ValidatorRouting {
  let fallbacks = 0;
  const oav = instance as { metadataMiddleware?: MetadataFactory } | undefined;
  const ownFactory = oav?.metadataMiddleware;
  if (!oav || typeof ownFactory !== "function") return { installed: false, fallbacks: () => fallbacks };

  oav.metadataMiddleware = (context, responseApiDoc) => {
    const own = ownFactory.call(oav, context, responseApiDoc);
    if (!Array.isArray(context?.routes) || typeof context.apiDoc?.paths !== "object") return own;
    const table = new Map<string, Record<string, unknown>>();
    for (const route of context.routes) {
      const pathKey = route.openApiRoute.substring(route.basePath.length);
      const method = route.method.toLowerCase();
      table.set(`${route.method} ${route.openApiRoute}`, {
        expressRoute: route.expressRoute,
        openApiRoute: route.openApiRoute,
        schema: context.apiDoc.paths[pathKey]?.[method],
        ...(responseApiDoc ? { _responseSchema: responseApiDoc.paths[pathKey]?.[method] } : {}),
      });
    }
    return (req: Request, res: Response, next: NextFunction) => {
      const operation = res.locals.operation as OperationManifest | undefined;
      // By the request's method, as lookupRoute: HEAD, routed to GET by the gateway, is not a
      // documented operation of the spec and takes the validator's own path.
      const route = operation && table.get(`${req.method} ${operation.fullPath}`);
      if (!route?.schema) {
        fallbacks += 1;
        own(req, res, next);
        return;
      }
      const pathParams = (res.locals.pathParams ?? {}) as Record<string, string>;
      (req as Request & { openapi?: unknown }).openapi = { ...route, pathParams, serial: context.serial };
      req.params = pathParams;
      next();
    };
  };
  return { installed: true, fallbacks: () => fallbacks };
}
