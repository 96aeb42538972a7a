import { idInPath, type ProxyState, phoneOf } from "./proxy-state.ts";

/**
 * The faults the mutating proxy injects, one at a time, between the suite and a correct gateway
 * (or between the gateway and the suite's notification sink). Each is a single, named lie; the
 * mutation tier proves the suite notices every one.
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

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
const ok = (x: ApiExchange) => x.status >= 200 && x.status < 300;
const isError = (x: ApiExchange) => x.status >= 400 && isObject(x.json) && typeof x.json.code === "string";
const is = (x: ApiExchange, method: string, re: RegExp) => x.method === method && re.test(x.path);
const REGISTRATIONS = /\/webrtc-registration\/[^/]+\/sessions$/;
const REGISTRATION = /\/webrtc-registration\/[^/]+\/sessions\/[^/]+$/;
const SESSION = /\/webrtc-call-handling\/[^/]+\/sessions\/[^/]+$/;
const SUBSCRIPTIONS = /\/webrtc-events\/[^/]+\/subscriptions$/;
const SUBSCRIPTION = /\/webrtc-events\/[^/]+\/subscriptions\/[^/]+$/;

function errorBody(x: ApiExchange, status: number, code: string): void {
  x.status = status;
  x.json = { status, code, message: "Injected by the mutating proxy." };
}

/** Hands a request the gateway refused to the gateway again with a token it accepts. */
async function acceptWith(ctx: FaultContext, auth: string | undefined): Promise<void> {
  if (auth) await ctx.resend(auth);
}

const validAuth = (ctx: FaultContext) => [...ctx.state.authByPhone.values()][0];

export const FAULTS: readonly Fault[] = [
  // Statuses
  {
    name: "created-as-ok",
    kind: "status",
    description: "201 Created is answered as 200 OK",
    api: (x) => {
      if (x.status === 201) x.status = 200;
    },
  },
  {
    name: "no-content-as-ok",
    kind: "status",
    description: "204 No Content is answered as 200 OK",
    api: (x) => {
      if (x.status === 204) x.status = 200;
    },
  },
  {
    name: "ok-as-accepted",
    kind: "status",
    description: "200 OK on a read is answered as 202 Accepted",
    api: (x) => {
      if (x.method === "GET" && x.status === 200) x.status = 202;
    },
  },
  {
    name: "unauthenticated-as-forbidden",
    kind: "status",
    description: "401 UNAUTHENTICATED is answered as 403 PERMISSION_DENIED",
    api: (x) => {
      if (x.status === 401) errorBody(x, 403, "PERMISSION_DENIED");
    },
  },
  {
    name: "forbidden-as-not-found",
    kind: "status",
    description: "403 is answered as 404 NOT_FOUND",
    api: (x) => {
      if (x.status === 403) errorBody(x, 404, "NOT_FOUND");
    },
  },
  {
    name: "not-found-as-bad-request",
    kind: "status",
    description: "404 NOT_FOUND is answered as 400 INVALID_ARGUMENT",
    api: (x) => {
      if (x.status === 404) errorBody(x, 400, "INVALID_ARGUMENT");
    },
  },
  {
    name: "bad-request-as-unprocessable",
    kind: "status",
    description: "400 is answered as 422 (the status a validator picks, not CAMARA's)",
    api: (x) => {
      if (x.status === 400 && isError(x)) errorBody(x, 422, "UNPROCESSABLE_ENTITY");
    },
  },
  {
    name: "delete-fails",
    kind: "status",
    description: "a successful DELETE is answered as 500 INTERNAL",
    api: (x) => {
      if (x.method === "DELETE" && ok(x)) errorBody(x, 500, "INTERNAL");
    },
  },
  {
    name: "invalid-input-accepted",
    kind: "status",
    description: "400 INVALID_ARGUMENT is answered as 200 with an empty object",
    api: (x) => {
      if (x.status !== 400) return;
      x.status = 200;
      x.json = {};
    },
  },
  // Headers
  {
    name: "drop-x-correlator",
    kind: "headers",
    description: "responses lose the x-correlator header",
    api: (x) => {
      delete x.headers["x-correlator"];
    },
  },
  {
    name: "change-x-correlator",
    kind: "headers",
    description: "responses carry another x-correlator than the request's",
    api: (x) => {
      if (typeof x.headers["x-correlator"] === "string")
        x.headers["x-correlator"] = `${x.headers["x-correlator"]}-x`;
    },
  },
  {
    name: "drop-x-correlator-on-errors",
    kind: "headers",
    description: "error responses only lose the x-correlator header",
    api: (x) => {
      if (x.status >= 400) delete x.headers["x-correlator"];
    },
  },
  {
    name: "text-plain",
    kind: "headers",
    description: "JSON bodies are labelled text/plain",
    api: (x) => {
      if (x.json !== undefined) x.headers["content-type"] = "text/plain; charset=utf-8";
    },
  },
  // Error bodies
  {
    name: "wrong-error-code",
    kind: "error body",
    description: "an error's code is replaced by another one of the same status",
    api: (x) => {
      if (!isError(x)) return;
      const swap: Record<string, string> = {
        INVALID_ARGUMENT: "OUT_OF_RANGE",
        OUT_OF_RANGE: "INVALID_ARGUMENT",
        UNAUTHENTICATED: "AUTHENTICATION_REQUIRED",
        PERMISSION_DENIED: "INVALID_TOKEN_CONTEXT",
        INVALID_TOKEN_CONTEXT: "PERMISSION_DENIED",
        NOT_FOUND: "IDENTIFIER_NOT_FOUND",
      };
      const json = x.json as Json;
      json.code = swap[String(json.code)] ?? "INTERNAL";
    },
  },
  {
    name: "error-without-status",
    kind: "error body",
    description: "an error body loses its status",
    api: (x) => {
      if (isError(x)) delete (x.json as Json).status;
    },
  },
  {
    name: "error-status-mismatch",
    kind: "error body",
    description: "an error body's status differs from the HTTP status",
    api: (x) => {
      if (isError(x)) (x.json as Json).status = x.status === 404 ? 400 : 404;
    },
  },
  {
    name: "error-without-message",
    kind: "error body",
    description: "an error body loses its message",
    api: (x) => {
      if (isError(x)) delete (x.json as Json).message;
    },
  },
  {
    name: "error-empty-body",
    kind: "error body",
    description: "an error is answered without a body",
    api: (x) => {
      if (!isError(x)) return;
      x.json = undefined;
      x.text = "";
    },
  },
  // Success bodies
  {
    name: "drop-required-id",
    kind: "success body",
    description: "success bodies lose registrationId and id, required by their schemas",
    api: (x) => {
      const strip = (v: unknown) => {
        if (isObject(v)) {
          delete v.registrationId;
          delete v.id;
        }
      };
      if (!ok(x)) return;
      if (Array.isArray(x.json)) x.json.forEach(strip);
      else strip(x.json);
    },
  },
  {
    name: "drop-media-session-id",
    kind: "success body",
    description: "media session bodies lose mediaSessionId",
    api: (x) => {
      if (ok(x) && isObject(x.json)) delete x.json.mediaSessionId;
    },
  },
  {
    name: "bad-status-enum",
    kind: "success body",
    description: "a media session's or subscription's status is not one of the enum",
    api: (x) => {
      const mangle = (v: unknown) => {
        if (isObject(v) && typeof v.status === "string") v.status = "Ongoing";
      };
      if (!ok(x)) return;
      if (Array.isArray(x.json)) x.json.forEach(mangle);
      else mangle(x.json);
    },
  },
  {
    name: "bad-reg-status-enum",
    kind: "success body",
    description: "regInfo.regStatus is not one of the enum",
    api: (x) => {
      if (ok(x) && isObject(x.json) && isObject(x.json.regInfo)) x.json.regInfo.regStatus = "Active";
    },
  },
  {
    name: "drop-registration-expires-at",
    kind: "success body",
    description: "registration answers lose expiresAt",
    api: (x) =>
      void (ok(x) && /webrtc-registration/.test(x.path) && isObject(x.json) && delete x.json.expiresAt),
  },
  {
    name: "types-not-array",
    kind: "success body",
    description: "a subscription's types is a string, not an array",
    api: (x) => {
      const mangle = (v: unknown) => {
        if (isObject(v) && Array.isArray(v.types)) v.types = v.types[0];
      };
      if (!ok(x)) return;
      if (Array.isArray(x.json)) x.json.forEach(mangle);
      else mangle(x.json);
    },
  },
  {
    name: "list-not-array",
    kind: "success body",
    description: "the subscription list is wrapped in an object",
    api: (x) => {
      if (ok(x) && Array.isArray(x.json)) x.json = { subscriptions: x.json };
    },
  },
  // Semantics
  {
    name: "registration-expired",
    kind: "semantics",
    description: "a registration's expiresAt is already in the past",
    api: (x) => {
      if (
        ok(x) &&
        /webrtc-registration/.test(x.path) &&
        isObject(x.json) &&
        typeof x.json.expiresAt === "string"
      )
        x.json.expiresAt = new Date(Date.now() - 3_600_000).toISOString();
    },
  },
  {
    name: "subscription-expiry-missing",
    kind: "semantics",
    description: "a subscription created with subscriptionExpireTime has no expiresAt",
    api: (x) => {
      if (ok(x) && is(x, "POST", SUBSCRIPTIONS) && isObject(x.json)) delete x.json.expiresAt;
    },
  },
  {
    name: "subscription-expiry-later",
    kind: "semantics",
    description: "a subscription's expiresAt is a day later than requested",
    api: (x) => {
      if (ok(x) && is(x, "POST", SUBSCRIPTIONS) && isObject(x.json) && typeof x.json.expiresAt === "string")
        x.json.expiresAt = new Date(Date.parse(x.json.expiresAt) + 86_400_000).toISOString();
    },
  },
  {
    name: "refresh-does-not-extend",
    kind: "semantics",
    description: "a registration refresh answers the expiresAt of the creation",
    api: (x, ctx) => {
      const id = idInPath(x.path);
      const created = id ? ctx.state.createdExpiry.get(id) : undefined;
      if (x.status === 200 && is(x, "PUT", REGISTRATION) && isObject(x.json) && created)
        x.json.expiresAt = created;
    },
  },
  {
    name: "list-keeps-deleted",
    kind: "semantics",
    description: "the subscription list still holds the caller's deleted subscriptions",
    api: (x, ctx) => {
      if (!(x.status === 200 && is(x, "GET", SUBSCRIPTIONS) && Array.isArray(x.json))) return;
      const phone = phoneOf(String(x.requestHeaders.authorization ?? ""));
      for (const { body, phone: owner } of ctx.state.deletedSubscriptions.values())
        if (owner === phone) x.json.push(body);
    },
  },
  {
    name: "list-drops-created",
    kind: "semantics",
    description: "the subscription list is empty",
    api: (x) => {
      if (x.status === 200 && is(x, "GET", SUBSCRIPTIONS) && Array.isArray(x.json)) x.json = [];
    },
  },
  {
    name: "session-other-originator",
    kind: "semantics",
    description: "GET session answers another originatorAddress than was created",
    api: (x) => {
      if (x.status === 200 && is(x, "GET", SESSION) && isObject(x.json))
        x.json.originatorAddress = "tel:+34699999999";
    },
  },
  {
    name: "subscription-other-sink",
    kind: "semantics",
    description: "GET subscription answers another sink than was created",
    api: (x) => {
      if (x.status === 200 && is(x, "GET", SUBSCRIPTION) && isObject(x.json))
        x.json.sink = "https://elsewhere.invalid/";
    },
  },
  {
    name: "deleted-still-readable",
    kind: "semantics",
    description: "a deleted subscription still reads as 200",
    api: (x, ctx) => {
      const id = idInPath(x.path);
      const gone = id ? ctx.state.deletedSubscriptions.get(id) : undefined;
      if (x.status === 404 && is(x, "GET", SUBSCRIPTION) && gone) {
        x.status = 200;
        x.json = gone.body;
      }
    },
  },
  {
    name: "registration-other-subscriber",
    kind: "semantics",
    description: "a registration names another subscriber in regInfo.phoneNumber",
    api: (x) => {
      if (ok(x) && is(x, "POST", REGISTRATIONS) && isObject(x.json) && isObject(x.json.regInfo))
        x.json.regInfo.phoneNumber = "+34699999999";
    },
  },
  // Authentication and isolation
  {
    name: "ignored-auth",
    kind: "isolation",
    description: "an expired or invalid token is accepted (the request is served as the subscriber's)",
    api: (x, ctx) => (x.status === 401 ? acceptWith(ctx, validAuth(ctx)) : undefined),
  },
  {
    name: "missing-scope-accepted",
    kind: "isolation",
    description: "a token without the operation's scope is accepted",
    api: (x, ctx) =>
      x.status === 403 && isObject(x.json) && x.json.code === "PERMISSION_DENIED"
        ? acceptWith(ctx, ctx.state.authByPhone.get(phoneOf(String(x.requestHeaders.authorization)) ?? ""))
        : undefined,
  },
  {
    name: "no-subscriber-accepted",
    kind: "isolation",
    description: "a token naming no subscriber is accepted on every operation",
    api: (x, ctx) =>
      x.status >= 400 &&
      x.status < 500 &&
      x.status !== 401 &&
      !phoneOf(String(x.requestHeaders.authorization ?? ""))
        ? acceptWith(ctx, validAuth(ctx))
        : undefined,
  },
  {
    name: "foreign-resource-served",
    kind: "isolation",
    description: "another subscriber's resource is served (by id) instead of 404",
    api: (x, ctx) => {
      const id = idInPath(x.path);
      const owner = id ? ctx.state.ownerAuth.get(id) : undefined;
      return x.status === 404 && owner && owner !== x.requestHeaders.authorization
        ? acceptWith(ctx, owner)
        : undefined;
    },
  },
  {
    name: "foreign-in-list",
    kind: "isolation",
    description: "the subscription list holds another subscriber's subscriptions",
    api: (x, ctx) => {
      if (!(x.status === 200 && is(x, "GET", SUBSCRIPTIONS) && Array.isArray(x.json))) return;
      const mine = String(x.requestHeaders.authorization ?? "");
      for (const [id, owner] of ctx.state.ownerAuth) {
        const body = ctx.state.bodies.get(id);
        if (
          owner !== mine &&
          body &&
          typeof body.sink === "string" &&
          !ctx.state.deletedSubscriptions.has(id)
        )
          (x.json as unknown[]).push(body);
      }
    },
  },
  // Notifications (gateway → sink)
  {
    name: "notification-json-media-type",
    kind: "notifications",
    description: "notifications are sent as application/json, not application/cloudevents+json",
    notification: (n) => {
      n.headers["content-type"] = "application/json";
      return undefined;
    },
  },
  {
    name: "notification-without-x-correlator",
    kind: "notifications",
    description: "notifications lose the x-correlator header",
    notification: (n) => {
      delete n.headers["x-correlator"];
      return undefined;
    },
  },
  {
    name: "notification-wrong-subscription-id",
    kind: "notifications",
    description: "notifications name another subscriptionId",
    notification: (n) => {
      if (isObject(n.json) && isObject(n.json.data) && typeof n.json.data.subscriptionId === "string")
        n.json.data.subscriptionId = `${n.json.data.subscriptionId}x`;
      return undefined;
    },
  },
  {
    name: "notification-bad-specversion",
    kind: "notifications",
    description: "notifications carry specversion 0.3",
    notification: (n) => {
      if (isObject(n.json)) n.json.specversion = "0.3";
      return undefined;
    },
  },
  {
    name: "notification-initial-event-missing",
    kind: "notifications",
    description: "the first notification to each sink (the initialEvent) is not delivered",
    notification: (_n, seen) => (seen === 0 ? "drop" : undefined),
  },
];
