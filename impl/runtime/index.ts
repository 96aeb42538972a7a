/**
 * camara-webrtc-runtime: the HTTP runtime of the CAMARA WebRTC framework, for any implementation of
 * the generated contract. The reference gateway (impl/) and scaffolded projects use only this entry.
 */

// The building blocks createCamaraApp assembles, for a gateway that wires more itself (rate limits,
// token caching, its own routes and metrics registries): the reference gateway's composition root.
export { withVerificationCache } from "./auth/cached-verifier.ts";
export { createDevIssuer, type DevIssuer } from "./auth/dev-issuer.ts";
export {
  createIntrospectionVerifier,
  type IntrospectionVerifierOptions,
} from "./auth/introspection-verifier.ts";
export { createJwtVerifier, type JwtVerifierOptions } from "./auth/jwt-verifier.ts";
export type { AuthFailure, Principal, TokenVerifier } from "./auth/principal.ts";
export { AuthError } from "./auth/principal.ts";
export { addressMatchesPhone, requirePhoneNumber, telUri } from "./auth/principal-phone.ts";
export { type Contract, type GeneratedRelease, loadContract } from "./contract.ts";
export { type CamaraAppOptions, createCamaraApp } from "./create-camara-app.ts";
export { createDevAuth, type DevAuth, type DevAuthOptions } from "./dev-auth.ts";
export { ApiError, type ErrorCode, type ErrorInfo } from "./errors/api-error.ts";
export { StoreUnavailableError } from "./errors/store-unavailable-error.ts";
export { type AppDeps, createApp } from "./http/create-app.ts";
export { mountDevIssuer } from "./http/dev-issuer-routes.ts";
export type { TypedHandlers } from "./http/dispatch.ts";
export { type HandlerTable, operationHandlers } from "./http/dispatch.ts";
export { createHttpServer, type HttpServerLimits } from "./http/http-server.ts";
export { createRateLimit } from "./http/rate-limit.ts";
export type { ValidatorRouting } from "./http/validator-routing.ts";
export { listen } from "./listen.ts";
export { notImplemented } from "./not-implemented.ts";
export type { RequestContext } from "./request-context.ts";
export {
  createSchemaValidator,
  type SchemaErrors,
  type SchemaValidator,
} from "./validation/ajv-core.ts";
