import { ConformanceFailure } from "../steps/check.ts";

/**
 * The coherence checks the suite applies to every scenario, without wording of their own (like
 * Schemathesis's named checks): each failure says which rule broke, as `[name] …`.
 */
export const CHECKS = {
  client_values_kept:
    "a value the client set at creation (or the creation answered) comes back unchanged on every later read, list items included",
  expiry_present: "createRegistration and a refresh answered with 200 return the resulting expiresAt",
  expiry_in_future: "an expiresAt the gateway answers lies in the future",
  expiry_within_request:
    "a subscription created with config.subscriptionExpireTime has an expiresAt, no later than requested",
  refresh_extends_expiry: "a registration refresh answered with 200 moves expiresAt later",
  token_subscriber_kept: "regInfo.phoneNumber is the subscriber of the token that created the registration",
  created_resource_listed: "a subscription created and not deleted is in its owner's list",
  deleted_resource_not_listed: "a deleted subscription is not in the list",
  foreign_resource_not_listed: "another subscriber's subscription is never in the list",
  use_after_free: "a deleted resource reads as 404",
  notification_conforms:
    "every notification a scenario's sink received is an application/cloudevents+json CloudEvent of the spec's schema, with an x-correlator",
  notification_names_subscription: "a notification's subscriptionId is one of the scenario's subscriptions",
} as const;

export type CheckName = keyof typeof CHECKS;

/** A broken coherence rule; its message starts with the check's name. */
export class CheckFailure extends ConformanceFailure {
  constructor(
    readonly check: CheckName,
    message: string,
  ) {
    super(`[${check}] ${message}`);
  }
}
