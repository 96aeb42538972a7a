import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { OutboxStatus } from "./outbox.ts";

const OUTBOX_STATUSES: readonly OutboxStatus[] = ["pending", "held", "failed", "expired", "dropped"];

/**
 * Prometheus metrics of event delivery, in their own registry (served at /metrics/events): what is
 * produced, attempted, delivered, and what the outbox holds by status (held deliveries in
 * development and test show up here).
 */
export function createEventMetrics(
  outboxCounts: () => Partial<Record<OutboxStatus, number>> | Promise<Partial<Record<OutboxStatus, number>>>,
) {
  const registry = new Registry();
  const registers = [registry];
  const published = new Counter({
    name: "camara_events_published_total",
    help: "CloudEvents written to the outbox, by event type and initial outbox status",
    labelNames: ["type", "status"] as const,
    registers,
  });
  const attempts = new Counter({
    name: "camara_events_delivery_attempts_total",
    help: "Delivery attempts by outcome (accepted, retry, gone, unauthorized, rejected)",
    labelNames: ["outcome"] as const,
    registers,
  });
  const latency = new Histogram({
    name: "camara_events_delivery_seconds",
    help: "Time from publication to acceptance by the sink, seconds",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5, 30, 120, 600],
    registers,
  });
  new Gauge({
    name: "camara_events_outbox",
    help: "Outbox rows by status (pending, held, failed, expired, dropped)",
    labelNames: ["status"] as const,
    registers,
    async collect() {
      const counts = await outboxCounts();
      // Every status, 0 included, so that a series does not vanish when its rows are removed.
      for (const status of OUTBOX_STATUSES) this.set({ status }, counts[status] ?? 0);
    },
  });
  return { registry, published, attempts, latency };
}

export type EventMetrics = ReturnType<typeof createEventMetrics>;
