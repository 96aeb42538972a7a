import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { OutboxStatus } from "./outbox.ts";

/**
 * Prometheus metrics of event delivery, in their own registry (served at /metrics/events): what is
 * produced, attempted, delivered, and what the outbox holds by status (held deliveries in
 * development and test show up here).
 */
export function createEventMetrics(outboxCounts: () => Partial<Record<OutboxStatus, number>>) {
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
    collect() {
      this.reset();
      for (const [status, n] of Object.entries(outboxCounts())) this.set({ status }, n ?? 0);
    },
  });
  return { registry, published, attempts, latency };
}

export type EventMetrics = ReturnType<typeof createEventMetrics>;
