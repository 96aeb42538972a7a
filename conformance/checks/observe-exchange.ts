import type { TokenProfile } from "../config/target-config.ts";
import type { ApiClient } from "../support/api-client.ts";
import type { Contract } from "../support/contract.ts";
import type { Exchange } from "../support/http-exchange.ts";
import type { ReceivedNotification } from "../support/notification-sink.ts";
import { RESOURCES } from "../support/resources.ts";
import { CheckFailure } from "./check-names.ts";
import { addressed, onList, onRead, onRefreshed, onSubscriptionUpdated } from "./coherence.ts";
import type { ResourceLedger } from "./resource-ledger.ts";

const LIST = "retrieveNotificationChannelSubscriptionList";

/**
 * Applies the coherence rules to one successful exchange of a scenario (creations are recorded where
 * they happen): reads, list items and refreshes of the scenario's resources, and deletions.
 */
export function observeExchange(
  ledger: ResourceLedger,
  contract: Contract,
  exchange: Exchange,
  profile: TokenProfile | undefined,
): void {
  const { status, json } = exchange.response;
  if (status < 200 || status >= 300) return;
  const matched = contract.match(exchange.request.method, new URL(exchange.request.url).pathname);
  if (!matched) return;
  const { operationId } = matched.operation;
  const now = Date.now();
  // Within a scenario a listed subscription may have ended on its own; the probe after it asks.
  if (operationId === LIST) {
    onList(ledger, profile, json, now, () => false);
    return;
  }
  const tracked = addressed(ledger, matched.pathParams);
  if (!tracked || (profile !== undefined && tracked.profile !== undefined && profile !== tracked.profile))
    return;
  if (RESOURCES[tracked.kind].remove === operationId) {
    tracked.deleted = true;
    return;
  }
  if (operationId === "updateRegistrationById") onRefreshed(tracked, status, json, now);
  else if (operationId === "updateNotificationChannelSubscription")
    onSubscriptionUpdated(tracked, parsed(exchange.request.body), json, now);
  else if (json !== undefined) onRead(tracked, json, operationId, now);
}

/** A request body as JSON; `undefined` when it is absent or not JSON. */
function parsed(body: string | undefined): unknown {
  try {
    return body === undefined ? undefined : (JSON.parse(body) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * After a scenario: reads back each resource it created (a deleted one must be gone, a live one must
 * read as created) and lists each owner's subscriptions.
 */
export async function probeLedger(ledger: ResourceLedger, client: ApiClient): Promise<void> {
  const readable = new Set<string>();
  for (const t of ledger.all()) {
    const spec = RESOURCES[t.kind];
    if (!spec.read || t.profile === undefined) continue;
    const { response } = await client.call({
      operationId: spec.read,
      pathParams: { [spec.param]: t.id },
      profile: t.profile,
    });
    if (t.deleted) {
      if (response.status !== 404)
        throw new CheckFailure(
          "use_after_free",
          `${spec.read} of the deleted ${spec.param} ${t.id} answered ${response.status}, expected 404`,
        );
    } else if (response.status === 200) {
      readable.add(t.id);
      onRead(t, response.json, spec.read, Date.now());
    }
  }
  const owners = new Set(
    ledger
      .all()
      .filter((t) => t.kind === "subscription")
      .flatMap((t) => (t.profile ? [t.profile] : [])),
  );
  for (const profile of owners) {
    const { response } = await client.call({ operationId: LIST, profile });
    if (response.status === 200)
      onList(ledger, profile, response.json, Date.now(), (t) => readable.has(t.id));
  }
}

/**
 * After a scenario: every notification its sink path received conforms (schema, media type,
 * x-correlator, as the sink checks them) and names one of its subscriptions.
 */
export function checkNotifications(ledger: ResourceLedger, received: readonly ReceivedNotification[]): void {
  const subscriptions = new Set(
    ledger
      .all()
      .filter((t) => t.kind === "subscription")
      .map((t) => t.id),
  );
  for (const n of received) {
    if (n.problems.length > 0)
      throw new CheckFailure(
        "notification_conforms",
        `a ${String(n.event?.type)} notification had problems: ${n.problems.join("; ")}`,
      );
    const id = n.event?.data?.subscriptionId;
    if (typeof id === "string" && subscriptions.size > 0 && !subscriptions.has(id))
      throw new CheckFailure(
        "notification_names_subscription",
        `a ${String(n.event?.type)} notification names subscriptionId ${id}, not one of ${[...subscriptions].join(", ")}`,
      );
  }
}
