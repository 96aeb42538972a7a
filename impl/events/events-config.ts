import { resolve } from "node:path";
import type { EnvReader } from "../env/env-reader.ts";

/** webrtc-events delivery (impl/events), from the EVENT_* variables. */
export interface EventsConfig {
  /** EVENT_SINK_ALLOWLIST: `host:port` sinks accepted even on loopback/private addresses, and the only ones contacted in development and test. */
  readonly sinkAllowlist: readonly string[];
  /** EVENT_SOURCE: CloudEvent `source` (a URI-reference). */
  readonly source: string;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly retryAfterMaxMs: number;
  readonly deliveryTimeoutMs: number;
  readonly maxAgeMs: number;
  readonly sweepIntervalMs: number;
  readonly tokenExpiryLeadMs: number;
  readonly endedRetentionMs: number;
  /** EVENT_OUTBOX_RETENTION_MS: undeliverable outbox rows (failed, expired, dropped) are removed this long after. */
  readonly outboxRetentionMs: number;
  /** EVENT_OUTBOX_PRUNE_INTERVAL_MS: how often the outbox retention runs. */
  readonly outboxPruneIntervalMs: number;
  /**
   * EVENT_LANE_SCAN_MS (STORE=postgres): how often a node looks for sinks with pending events whose
   * lane no node serves (its node died, a notification was missed) and takes them over.
   */
  readonly laneScanMs: number;
  /** DEV_CA_DIR: where the development CA's files are read from outside production (`npm run dev-ca` makes them). */
  readonly devCaDir: string;
  /**
   * EVENT_SINK_CA_FILE: PEM CA(s) trusted for allow-listed loopback/private sinks, beside the system
   * store. Default outside production: `$DEV_CA_DIR/ca.pem`; in production none.
   */
  readonly sinkCaFile: string | undefined;
  /** True when {@link sinkCaFile} is the development CA by default rather than configured. */
  readonly sinkCaFileDefaulted: boolean;
}

/** The EVENT_* variables; the development CA (DEV_CA_DIR) is trusted by default outside production. */
export function readEventsConfig(
  r: EnvReader,
  context: { readonly environment: "development" | "test" | "production"; readonly devCaDir: string },
): EventsConfig {
  const { environment, devCaDir } = context;
  const events: EventsConfig = {
    sinkAllowlist: r.list("EVENT_SINK_ALLOWLIST"),
    source: r.str("EVENT_SOURCE", "urn:camara-webrtc-gateway:webrtc-events"),
    retryBaseMs: r.int("EVENT_RETRY_BASE_MS", 1000, 1, 3_600_000),
    retryMaxMs: r.int("EVENT_RETRY_MAX_MS", 300_000, 1, 86_400_000),
    retryAfterMaxMs: r.int("EVENT_RETRY_AFTER_MAX_MS", 3_600_000, 0, 86_400_000),
    deliveryTimeoutMs: r.int("EVENT_DELIVERY_TIMEOUT_MS", 10_000, 100, 300_000),
    maxAgeMs: r.int("EVENT_MAX_AGE_MS", 86_400_000, 1000, 2_592_000_000),
    sweepIntervalMs: r.int("EVENT_SWEEP_INTERVAL_MS", 1000, 10, 3_600_000),
    tokenExpiryLeadMs: r.int("EVENT_TOKEN_EXPIRY_LEAD_MS", 5000, 0, 3_600_000),
    endedRetentionMs: r.int("EVENT_ENDED_RETENTION_MS", 86_400_000, 0, 2_592_000_000),
    outboxRetentionMs: r.int("EVENT_OUTBOX_RETENTION_MS", 86_400_000, 0, 2_592_000_000),
    outboxPruneIntervalMs: r.int("EVENT_OUTBOX_PRUNE_INTERVAL_MS", 60_000, 100, 3_600_000),
    laneScanMs: r.int("EVENT_LANE_SCAN_MS", 1000, 50, 600_000),
    devCaDir,
    sinkCaFile:
      r.env.EVENT_SINK_CA_FILE ?? (environment === "production" ? undefined : resolve(devCaDir, "ca.pem")),
    sinkCaFileDefaulted: r.env.EVENT_SINK_CA_FILE === undefined && environment !== "production",
  };
  for (const entry of events.sinkAllowlist)
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(entry))
      r.problem(`EVENT_SINK_ALLOWLIST: ${entry} is not host:port (e.g. 127.0.0.1:9443 or [::1]:9443).`);
  if (!URL.canParse(events.source, "https://base.invalid"))
    r.problem(`EVENT_SOURCE=${events.source} must be a URI-reference.`);
  return events;
}
