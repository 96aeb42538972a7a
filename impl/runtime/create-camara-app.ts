import pino, { type Logger } from "pino";
import type { TokenVerifier } from "./auth/principal.ts";
import type { Contract } from "./contract.ts";
import type { DevAuth } from "./dev-auth.ts";
import { createApp, type ServedRelease } from "./http/create-app.ts";
import { operationHandlers, type TypedHandlers } from "./http/dispatch.ts";
import { createSchemaValidator } from "./validation/ajv-core.ts";

/** Options of {@link createCamaraApp}. */
export interface CamaraAppOptions<T> {
  /** The generated contract served (loadContract). */
  readonly contract: Contract;
  /** One method per operationId of every API of the contract (the generated handler interfaces). */
  readonly handlers: T;
  /** Verifies bearer tokens: createJwtVerifier, createIntrospectionVerifier, or createDevAuth for local use. */
  readonly auth: TokenVerifier | DevAuth;
  /** Default: pino at LOG_LEVEL (info). */
  readonly logger?: Logger;
  /** Check every response against the spec (development and tests). Default false. */
  readonly validateResponses?: boolean;
  /** GET /readyz answers 200 only when this resolves true. Default: always ready. */
  readonly ready?: () => Promise<boolean>;
  /** Request body limit, bytes. Default 262144. */
  readonly bodyLimitBytes?: number;
}

function isDevAuth(auth: TokenVerifier | DevAuth): auth is DevAuth {
  return "mount" in auth;
}

/**
 * An express app serving the contract: routes from the operation manifests, x-correlator,
 * authentication with each operation's scopes, OpenAPI validation, CAMARA error bodies, /healthz,
 * /readyz and /metrics. What each operation does is the handlers' business.
 *
 * @throws Error naming the operations that have no handler.
 */
export function createCamaraApp<T extends TypedHandlers<T>>(options: CamaraAppOptions<T>) {
  const { contract, auth } = options;
  const release = contract.apis[0]?.release ?? "unknown";
  return createApp({
    releases: [
      {
        release,
        // The manifests of any release: the HTTP layer reads them structurally, whatever the release.
        apis: contract.apis as unknown as ServedRelease["apis"],
        specs: { ...contract.specs },
        schemas: createSchemaValidator({ ...contract.specs }),
        handlers: operationHandlers(options.handlers),
      },
    ],
    verifier: isDevAuth(auth) ? auth.verifier : auth,
    logger: options.logger ?? pino({ level: process.env.LOG_LEVEL ?? "info" }),
    validateResponses: options.validateResponses ?? false,
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
    ...(isDevAuth(auth) ? { extraRoutes: auth.mount } : {}),
    ready: options.ready ?? (async () => true),
  });
}
