import type { Principal } from "./auth/principal.ts";

/** What every handler call knows about the API request that caused it. */
export interface RequestContext {
  readonly principal: Principal;
  /** The request's x-correlator (received or generated). */
  readonly correlator: string;
}
