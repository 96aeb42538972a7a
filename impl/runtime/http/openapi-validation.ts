import type { NextFunction, Request, RequestHandler, Response } from "express";
import * as OpenApiValidator from "express-openapi-validator";
import { ApiError } from "../errors/api-error.ts";
import type { ApiManifest, OperationManifest } from "../manifest-types.ts";
import { describeErrors, type SchemaValidator } from "../validation/ajv-core.ts";
import { knownMembers } from "../validation/known-members.ts";
import { routeValidatorFromGateway, type ValidatorRouting } from "./validator-routing.ts";

export interface ValidationOptions {
  /** Validate responses too (development and tests): a response violating the spec becomes a 500. */
  readonly validateResponses: boolean;
  /** Told, per API, whether its validator takes its routes from the gateway (validator-routing.ts). */
  readonly onValidatorRouting?: (api: string, routing: ValidatorRouting) => void;
}

/** Whether a schema reaches a `discriminator` with a `mapping`, following local $refs. */
function reachesMapping(spec: object, schema: unknown, seen = new Set<string>()): boolean {
  if (typeof schema !== "object" || schema === null) return false;
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === "string") {
    if (seen.has(s.$ref)) return false;
    seen.add(s.$ref);
    const target = s.$ref
      .slice(2)
      .split("/")
      .reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], spec);
    return reachesMapping(spec, target, seen);
  }
  if ((s.discriminator as { mapping?: unknown } | undefined)?.mapping) return true;
  return Object.values(s).some((v) => reachesMapping(spec, v, seen));
}

/**
 * A copy of the spec without examples. They play no part in validation, and the validator's ajv
 * walks into them: the events spec's example CloudEvents share one `id`, which ajv takes for a
 * duplicate schema identifier and refuses. A property that happens to be named `examples` stays.
 */
export function withoutExamples(node: unknown, parentKey = ""): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutExamples(n));
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === "examples" || key === "example") && parentKey !== "properties") continue;
    out[key] = withoutExamples(value, key);
  }
  return out;
}

/**
 * Request (and optionally response) validation with express-openapi-validator against each API's
 * effective spec, mounted only for requests under that API's base path. The shared ajv core then
 * closes the validator's gap: discriminator mappings reached through `allOf` (e.g. SinkCredential).
 */
export function openApiValidation(
  apis: readonly ApiManifest[],
  specs: Record<string, object>,
  schemas: SchemaValidator,
  options: ValidationOptions,
): RequestHandler[] {
  const perApi = apis.map((api) => {
    const spec = specs[api.name];
    if (!spec) throw new Error(`No effective spec for ${api.name}`);
    const middlewares = OpenApiValidator.middleware({
      apiSpec: withoutExamples(spec) as never,
      validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
      validateResponses: options.validateResponses ? { allErrors: true } : false,
      validateSecurity: false,
      validateFormats: true,
      ajvFormats: { mode: "full" },
      ignoreUndocumented: true,
      // No operation of the three APIs takes multipart/form-data: no multer step on every request.
      fileUploader: false,
    });
    const routing = routeValidatorFromGateway((OpenApiValidator.middleware as { _oav?: unknown })._oav);
    options.onValidatorRouting?.(api.name, routing);
    return { basePath: api.basePath, middlewares: middlewares as RequestHandler[] };
  });

  const runChain = (chain: RequestHandler[], req: Request, res: Response, next: NextFunction) => {
    let i = 0;
    const step = (err?: unknown): void => {
      const handler = chain[i++];
      if ((err !== undefined && err !== null) || !handler) {
        next(err ?? undefined);
        return;
      }
      try {
        void handler(req, res, step);
      } catch (error) {
        next(error);
      }
    };
    step();
  };

  const byApi = (req: Request) =>
    perApi.find((a) => req.path === a.basePath || req.path.startsWith(`${a.basePath}/`));

  const validator: RequestHandler = (req, res, next) => {
    const api = byApi(req);
    if (!api || !res.locals.operation) return next();
    runChain(api.middlewares, req, res, next);
  };

  const needsDiscriminator = new Set<string>();
  for (const api of apis) {
    for (const op of api.operations) {
      const schema = op.requestBody?.content["application/json"];
      if (schema && reachesMapping(specs[api.name] ?? {}, schema)) needsDiscriminator.add(op.operationId);
    }
  }
  const discriminators: RequestHandler = (req, res, next) => {
    const op = res.locals.operation as OperationManifest | undefined;
    if (!op || !needsDiscriminator.has(op.operationId) || req.body === undefined) return next();
    const schema = op.requestBody?.content["application/json"];
    const errors = schema ? schemas.validateSchema(op.api, schema, req.body) : null;
    next(
      errors
        ? ApiError.invalidArgument(`Client specified an invalid argument: ${describeErrors(errors)}`)
        : undefined,
    );
  };

  // After validation, the body keeps only what its schema declares (known-members.ts): members a
  // client adds beyond the contract are neither stored nor echoed.
  const declaredOnly: RequestHandler = (req, res, next) => {
    const op = res.locals.operation as OperationManifest | undefined;
    const schema = op?.requestBody?.content["application/json"];
    if (schema && req.body !== undefined) req.body = knownMembers(specs[op.api] ?? {}, schema, req.body);
    next();
  };

  return [validator, discriminators, declaredOnly];
}
