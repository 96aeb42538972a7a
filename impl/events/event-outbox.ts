import type { NewOutboxRow, OutboxRow, OutboxStatus, PruneResult } from "./outbox.ts";

/** A value now (SQLite) or once read (PostgreSQL). */
export type Eventually<T> = T | Promise<T>;

/**
 * The durable event outbox as delivery uses it, whichever database holds it: SQLite
 * ({@link import("./outbox.ts").openOutbox}, one gateway) or PostgreSQL
 * ({@link import("./postgres-outbox.ts").openPostgresOutbox}, shared by the nodes of a cluster).
 * Writes resolve once committed; reads see committed rows (SQLite answers them at once).
 */
export interface EventOutbox {
  append(rows: readonly NewOutboxRow[]): Promise<OutboxRow[]>;
  /** Rows waiting for delivery, oldest first. */
  pending(): Eventually<OutboxRow[]>;
  list(status: OutboxStatus): Eventually<OutboxRow[]>;
  delivered(seq: number): Promise<void>;
  retryLater(seq: number, attempts: number, nextAttemptAt: number, error: string): Promise<void>;
  settle(seq: number, status: "failed" | "expired" | "dropped", error: string): Promise<void>;
  dropSubscription(subscriptionId: string, reason: string): Promise<number>;
  /** Makes the held rows of a sink pending; returns them in order. */
  release(sink: string): Eventually<OutboxRow[]>;
  prune(limits: { readonly maxAgeMs: number; readonly retentionMs: number }): Promise<PruneResult>;
  heldSinks(): Eventually<string[]>;
  counts(): Eventually<Partial<Record<OutboxStatus, number>>>;
  close(): void;
}
