import type { ProxyState } from "./proxy-state.ts";

/**
 * What a fault of the mutating proxy is, and the helpers the fault lists share (faults.ts gathers
 * the lists). Each fault is a single, named lie; the mutation tier proves the suite notices every one.
 */
export type FaultKind =
  | "status"
  | "headers"
  | "error body"
  | "success body"
  | "semantics"
  | "isolation"
  | "notifications";

/** An API response on its way back to the suite; faults change it in place. */
export interface ApiExchange {
  readonly method: string;
  readonly path: string;
  readonly requestHeaders: Readonly<Record<string, string | string[] | undefined>>;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON (undefined when empty or not JSON); set `json` to replace the body. */
  json: unknown;
  /** The raw body when it is not JSON, or when a fault wants bytes. */
  text: string;
}

/** A notification on its way from the gateway to the sink; faults change it or drop it. */
export interface NotificationExchange {
  readonly path: string;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

export interface FaultContext {
  readonly state: ProxyState;
  /** Sends the same request again with another Authorization header and answers with that. */
  resend(authorization: string): Promise<void>;
}

export interface Fault {
  readonly name: string;
  readonly kind: FaultKind;
  readonly description: string;
  api?(x: ApiExchange, ctx: FaultContext): void | Promise<void>;
  /** Returns "drop" to swallow the notification (the sink never sees it). */
  notification?(n: NotificationExchange, seen: number): undefined | "drop";
}

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
export const ok = (x: ApiExchange) => x.status >= 200 && x.status < 300;
export const isError = (x: ApiExchange) =>
  x.status >= 400 && isObject(x.json) && typeof x.json.code === "string";
export const is = (x: ApiExchange, method: string, re: RegExp) => x.method === method && re.test(x.path);
export const REGISTRATIONS = /\/webrtc-registration\/[^/]+\/sessions$/;
export const REGISTRATION = /\/webrtc-registration\/[^/]+\/sessions\/[^/]+$/;
export const SESSION = /\/webrtc-call-handling\/[^/]+\/sessions\/[^/]+$/;
export const SUBSCRIPTIONS = /\/webrtc-events\/[^/]+\/subscriptions$/;
export const SUBSCRIPTION = /\/webrtc-events\/[^/]+\/subscriptions\/[^/]+$/;

export function errorBody(x: ApiExchange, status: number, code: string): void {
  x.status = status;
  x.json = { status, code, message: "Injected by the mutating proxy." };
}

/** Hands a request the gateway refused to the gateway again with a token it accepts. */
export async function acceptWith(ctx: FaultContext, auth: string | undefined): Promise<void> {
  if (auth) await ctx.resend(auth);
}

export const validAuth = (ctx: FaultContext) => [...ctx.state.authByPhone.values()][0];
