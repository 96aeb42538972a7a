/**
 * camara-webrtc-runtime: the HTTP runtime of the CAMARA WebRTC framework, for any implementation of
 * the generated contract. The reference gateway (impl/) and scaffolded projects use only this entry.
 */

export {
  createIntrospectionVerifier,
  type IntrospectionVerifierOptions,
} from "../auth/introspection-verifier.ts";
export { createJwtVerifier, type JwtVerifierOptions } from "../auth/jwt-verifier.ts";
export type { Principal, TokenVerifier } from "../auth/principal.ts";
export { AuthError } from "../auth/principal.ts";
export { ApiError, type ErrorCode, type ErrorInfo } from "../errors/api-error.ts";
export type { TypedHandlers } from "../http/dispatch.ts";
export { addressMatchesPhone, requirePhoneNumber, telUri } from "../services/principal-phone.ts";
export type { RequestContext } from "../services/request-context.ts";
export { type Contract, type GeneratedRelease, loadContract } from "./contract.ts";
export { type CamaraAppOptions, createCamaraApp } from "./create-camara-app.ts";
export { createDevAuth, type DevAuth, type DevAuthOptions } from "./dev-auth.ts";
export { listen } from "./listen.ts";
export { notImplemented } from "./not-implemented.ts";
