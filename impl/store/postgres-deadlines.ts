import type { PostgresStore } from "./postgres-store.ts";
import { fromPgText, pgText } from "./postgres-store.ts";
import type { DeadlineBook, DeadlineKind } from "./subscription-deadlines.ts";

/**
 * The subscriptions' deadlines in the PostgreSQL store (table `event_deadlines`,
 * postgres-events-migration.ts), shared by the nodes: a subscription created on one node expires
 * even when that node is gone. Writes join the store's group commit, with the notifications of
 * the same turn; the sweep that reads them runs on one node at a time (runOnceInCluster).
 */
export function openPostgresDeadlines(store: PostgresStore): DeadlineBook {
  const write = (fields: Record<string, unknown>) =>
    store.writes.write(JSON.stringify({ t: "event_deadlines", ...fields })).then(() => undefined);
  return {
    setDeadline: (subscriptionId, kind, dueAt) =>
      write({ o: "deadline_set", subscriptionId: pgText(subscriptionId), kind, dueAt }),
    async dueDeadlines(nowMs) {
      const { rows } = await store.reads.query<{ subscription_id: string; kind: DeadlineKind }>({
        name: "event_deadlines_due",
        text: "SELECT subscription_id, kind FROM event_deadlines WHERE due_at <= $1 ORDER BY due_at",
        values: [nowMs],
      });
      return rows.map((r) => ({ subscriptionId: fromPgText(r.subscription_id), kind: r.kind }));
    },
    clearDeadlines: (subscriptionId, kind) =>
      write({ o: "deadline_clear", subscriptionId: pgText(subscriptionId), kind: kind ?? null }),
  };
}
