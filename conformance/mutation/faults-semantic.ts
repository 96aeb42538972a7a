import {
  acceptWith,
  type Fault,
  is,
  isObject,
  ok,
  REGISTRATION,
  REGISTRATIONS,
  SESSION,
  SUBSCRIPTION,
  SUBSCRIPTIONS,
  validAuth,
} from "./fault-kit.ts";
import { idInPath, phoneOf } from "./proxy-state.ts";

/** Faults of meaning: semantics, authentication and isolation, notifications. */
export const SEMANTIC_FAULTS: readonly Fault[] = [
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
