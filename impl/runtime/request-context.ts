import type { Principal } from "./auth/principal.ts";

/** What every service call knows about the API request that caused it. */
export interface RequestContext {
  readonly principal: Principal;
  /** The request's x-correlator (received or generated). */
  readonly correlator: string;
}

/** Collaborators with side effects that tests replace. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type IdGenerator = () => string;
