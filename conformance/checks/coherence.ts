import type { ResourceKind, TokenProfile } from "../config/target-config.ts";
import { RESOURCES } from "../support/resources.ts";
import { CheckFailure } from "./check-names.ts";
import { canonical, field, type ResourceLedger, type TrackedResource } from "./resource-ledger.ts";

/**
 * The coherence rules over what a scenario's exchanges say about its resources. Pure: each function
 * takes what was sent and answered, updates the ledger, and throws a {@link CheckFailure} naming the
 * rule that broke.
 */

/** Fields that identify a resource: set by the client (or fixed by the creation), never changed by a read. */
export const STABLE_FIELDS: Readonly<Record<ResourceKind, readonly string[]>> = {
  registration: ["deviceId", "regInfo.phoneNumber"],
  mediaSession: ["originatorAddress", "receiverAddress", "clientCorrelator"],
  subscription: ["protocol", "sink", "types", "config.subscriptionDetail", "expiresAt"],
};

/** How far the gateway's clock may be behind the suite's before "in the future" fails, ms. */
export const CLOCK_SKEW_MS = 10_000;

export interface Created {
  readonly kind: ResourceKind;
  readonly id: string;
  readonly profile: TokenProfile | undefined;
  /** The subscriber phone number of that profile, when known. */
  readonly phoneNumber: string | undefined;
  readonly request: unknown;
  readonly response: unknown;
  /** When the answer arrived, epoch ms. */
  readonly now: number;
}

function expiry(check: "expiry_in_future", what: string, text: unknown, now: number): number | undefined {
  if (typeof text !== "string") return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined; // the schema check reports a malformed date-time
  if (ms <= now - CLOCK_SKEW_MS)
    throw new CheckFailure(check, `${what} answered expiresAt ${text}, already in the past`);
  return ms;
}

/** A resource was created (by a precondition or by the scenario's own request, answered 2xx). */
export function onCreated(ledger: ResourceLedger, c: Created): TrackedResource {
  const operation = RESOURCES[c.kind].create;
  const reference = new Map<string, string>();
  for (const path of STABLE_FIELDS[c.kind]) {
    const sent = path === "expiresAt" ? undefined : field(c.request, path);
    const answered = field(c.response, path);
    if (sent !== undefined) {
      if (answered !== undefined && canonical(answered) !== canonical(sent)) {
        throw new CheckFailure(
          "client_values_kept",
          `${operation} answered ${path} ${canonical(answered)}, the request set ${canonical(sent)}`,
        );
      }
      reference.set(path, canonical(sent));
    } else if (answered !== undefined) reference.set(path, canonical(answered));
  }
  const tracked: TrackedResource = {
    kind: c.kind,
    id: c.id,
    profile: c.profile,
    reference,
    requestedExpiryMs: undefined,
    expiresAt: undefined,
    deleted: false,
  };
  const expiresAt = field(c.response, "expiresAt");
  if (c.kind === "registration") {
    if (typeof expiresAt !== "string")
      throw new CheckFailure("expiry_present", `${operation} answered no expiresAt`);
    const phone = field(c.response, "regInfo.phoneNumber");
    if (c.phoneNumber !== undefined && phone !== undefined && phone !== c.phoneNumber) {
      throw new CheckFailure(
        "token_subscriber_kept",
        `${operation} answered regInfo.phoneNumber ${String(phone)} for a token of ${c.phoneNumber}`,
      );
    }
  }
  const ms = expiry("expiry_in_future", operation, expiresAt, c.now);
  if (ms !== undefined) tracked.expiresAt = { ms, text: String(expiresAt) };
  const requested = field(c.request, "config.subscriptionExpireTime");
  if (c.kind === "subscription" && typeof requested === "string" && !Number.isNaN(Date.parse(requested))) {
    tracked.requestedExpiryMs = Date.parse(requested);
    if (ms === undefined) {
      throw new CheckFailure(
        "expiry_within_request",
        `${operation} answered no expiresAt, though config.subscriptionExpireTime ${requested} was requested`,
      );
    }
    // A provider may shorten the requested time, never lengthen it (1 s for rounding).
    if (ms > tracked.requestedExpiryMs + 1000) {
      throw new CheckFailure(
        "expiry_within_request",
        `${operation} answered expiresAt ${String(expiresAt)}, later than the requested ${requested}`,
      );
    }
  }
  ledger.add(tracked);
  return tracked;
}

/** A read of a tracked resource (by id, a list item, an update's answer) must show its stable fields. */
export function onRead(tracked: TrackedResource, body: unknown, what: string, now: number): void {
  for (const [path, reference] of tracked.reference) {
    const value = field(body, path);
    if (value !== undefined && canonical(value) !== reference) {
      throw new CheckFailure(
        "client_values_kept",
        `${what} answered ${path} ${canonical(value)} for ${RESOURCES[tracked.kind].param} ${tracked.id}, created with ${reference}`,
      );
    }
    if (value === undefined && path === "expiresAt") {
      throw new CheckFailure(
        "expiry_within_request",
        `${what} answered no expiresAt for subscription ${tracked.id}, created with ${reference}`,
      );
    }
  }
  if (tracked.kind !== "registration") expiry("expiry_in_future", what, field(body, "expiresAt"), now);
}

/** A registration refresh (updateRegistrationById) answered 2xx. */
export function onRefreshed(tracked: TrackedResource, status: number, body: unknown, now: number): void {
  if (status !== 200) return; // 204: nothing to compare, and no read operation to ask
  onRead(tracked, body, "updateRegistrationById", now);
  const text = field(body, "expiresAt");
  if (typeof text !== "string")
    throw new CheckFailure("expiry_present", "updateRegistrationById answered 200 without expiresAt");
  const ms = expiry("expiry_in_future", "updateRegistrationById", text, now) as number;
  const before = tracked.expiresAt;
  // Same-second answers of a gateway without fractional seconds may tie; an earlier or equal
  // expiresAt with sub-second precision is no refresh.
  const precise = /\.\d+/.test(text) && before !== undefined && /\.\d+/.test(before.text);
  if (before !== undefined && (ms < before.ms || (precise && ms === before.ms))) {
    throw new CheckFailure(
      "refresh_extends_expiry",
      `updateRegistrationById answered expiresAt ${text}, not later than ${before.text} before the refresh`,
    );
  }
  tracked.expiresAt = { ms, text };
}

/**
 * An r3.1 subscription update (updateNotificationChannelSubscription) answered 2xx: "Either or both
 * of the following attributes may be updated: sinkCredential, config.subscriptionExpireTime". A new
 * expire time moves expiresAt (never past it); every other stable field reads as created.
 */
export function onSubscriptionUpdated(
  tracked: TrackedResource,
  request: unknown,
  body: unknown,
  now: number,
): void {
  const what = "updateNotificationChannelSubscription";
  const requested = field(request, "config.subscriptionExpireTime");
  if (typeof requested === "string" && !Number.isNaN(Date.parse(requested))) {
    const answered = field(body, "expiresAt");
    const ms = expiry("expiry_in_future", what, answered, now);
    if (ms === undefined)
      throw new CheckFailure(
        "expiry_within_request",
        `${what} answered no expiresAt, though config.subscriptionExpireTime ${requested} was requested`,
      );
    // A provider may shorten the requested time, never lengthen it (1 s for rounding).
    if (ms > Date.parse(requested) + 1000)
      throw new CheckFailure(
        "expiry_within_request",
        `${what} answered expiresAt ${String(answered)}, later than the requested ${requested}`,
      );
    tracked.requestedExpiryMs = Date.parse(requested);
    tracked.reference.set("expiresAt", canonical(answered));
  }
  onRead(tracked, body, what, now);
}

/**
 * A list of subscriptions as `profile` sees it: every item known must read as created; the
 * profile's live subscriptions are listed (`live` decides which are still expected), its deleted
 * ones are not, nor anyone else's.
 */
export function onList(
  ledger: ResourceLedger,
  profile: TokenProfile | undefined,
  items: unknown,
  now: number,
  live: (t: TrackedResource) => boolean = () => true,
): void {
  if (!Array.isArray(items)) return; // the schema check reports it
  const listed = new Set(
    items.map((i) => field(i, "id")).filter((id): id is string => typeof id === "string"),
  );
  for (const item of items) {
    const tracked = ledger.get(String(field(item, "id")));
    if (tracked) onRead(tracked, item, "retrieveNotificationChannelSubscriptionList", now);
  }
  if (profile === undefined) return;
  for (const t of ledger.all().filter((r) => r.kind === "subscription" && r.profile !== undefined)) {
    const isListed = listed.has(t.id);
    if (t.profile !== profile && isListed)
      throw new CheckFailure(
        "foreign_resource_not_listed",
        `the ${profile} subscriber's list holds subscription ${t.id} of the ${t.profile} subscriber`,
      );
    if (t.profile === profile && t.deleted && isListed)
      throw new CheckFailure(
        "deleted_resource_not_listed",
        `the list still holds deleted subscription ${t.id}`,
      );
    if (t.profile === profile && !t.deleted && !isListed && live(t))
      throw new CheckFailure(
        "created_resource_listed",
        `the list lacks subscription ${t.id}, created and not deleted`,
      );
  }
}

/** The tracked resource a request addresses by its path parameters, if any. */
export function addressed(
  ledger: ResourceLedger,
  pathParams: Readonly<Record<string, string>>,
): TrackedResource | undefined {
  for (const spec of Object.values(RESOURCES)) {
    const id = pathParams[spec.param];
    if (id !== undefined) return ledger.get(decodeURIComponent(id));
  }
  return undefined;
}
