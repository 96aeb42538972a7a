#!/usr/bin/env -S node --import tsx
/**
 * `npm run bench:events`: webrtc-events delivery to a loopback HTTPS sink (the conformance sink
 * receiver in its own process), next to a baseline measured in the same run: plain HTTPS POSTs of
 * the same CloudEvents to the same sink, one in flight, without outbox or dispatcher.
 *
 * - throughput: BENCH_EVENTS session-status events published back to back; events/s from the first
 *   publication to the last receipt at the sink;
 * - latency: events published at BENCH_RATE per second; p50/p99 from publication (the engine
 *   event reaching the dispatcher) to receipt at the sink, both read from the same clock.
 *
 * BENCH_STORE=postgres runs the dispatcher on the PostgreSQL outbox and its shared lanes (a private
 * server, scripts/lab/postgres.ts) instead of SQLite.
 *
 * Targets from the issue: ≥ 2,000 events/s and p99 < 5 ms. Results go to stdout and
 * reports/bench-events.json (bench-events-postgres.json). Bounded: at most BENCH_EVENTS events per phase and 60 s per phase.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Agent, request } from "undici";
import { buildCloudEvent } from "../../impl/events/cloud-event.ts";
import { createEventDispatcher } from "../../impl/events/event-dispatcher.ts";
import type { EventOutbox } from "../../impl/events/event-outbox.ts";
import { createHttpSender } from "../../impl/events/http-sender.ts";
import { openOutbox } from "../../impl/events/outbox.ts";
import { openPostgresOutbox } from "../../impl/events/postgres-outbox.ts";
import { createSharedLanes } from "../../impl/events/shared-lanes.ts";
import { createSinkPolicy } from "../../impl/events/sink-policy.ts";
import { systemClock } from "../../impl/services/clock.ts";
import type { PublishedEvent } from "../../impl/services/event-publisher.ts";
import { createSubscriptionLifecycle } from "../../impl/services/subscription-lifecycle.ts";
import {
  createSqliteStore,
  type DeadlineBook,
  openPostgresDeadlines,
  openPostgresStore,
  openSubscriptionDeadlines,
  type Store,
} from "../../impl/store/index.ts";
import { ensureDevCa } from "../dev-ca/dev-ca.ts";
import { startPostgres } from "../lab/postgres.ts";
import { fromRoot } from "../lib/paths.ts";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const LATENCY_EVENTS = Math.min(EVENTS, RATE * 6);
const PHASE_LIMIT_MS = 60_000;
const now = () => performance.timeOrigin + performance.now();

const ca = ensureDevCa(fromRoot("data", "dev-ca"));
const sinkProcess: ChildProcess = fork(fromRoot("scripts", "bench", "bench-events-sink.ts"), {
  execArgv: ["--import", "tsx"],
});
const port = await new Promise<number>((resolve) =>
  sinkProcess.once("message", (m: { port: number }) => resolve(m.port)),
);
const origin = `https://127.0.0.1:${port}`;

function sessionStatus(sequenceNumber: number): PublishedEvent {
  return {
    type: "org.camaraproject.webrtc-events.v0.session-status",
    registrationId: "reg-bench",
    mediaSessionId: "ms-bench",
    correlator: randomUUID(),
    data: {
      mediaSessionId: "ms-bench",
      originatorAddress: "tel:+34600000001",
      receiverAddress: "tel:+34600000009",
      status: "Connected",
      reason: "200 OK",
      sequenceNumber,
    },
  };
}

/** Publishes `count` events via `publish`, back to back (rate 0) or paced at `rate` per second. */
async function drive(count: number, rate: number, publish: (seq: number) => Promise<void>) {
  const sent = new Map<number, number>();
  const started = now();
  for (let seq = 1; seq <= count && now() - started < PHASE_LIMIT_MS; seq++) {
    if (rate > 0) {
      const due = started + ((seq - 1) * 1000) / rate;
      const wait = due - now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    }
    sent.set(seq, now());
    await publish(seq);
  }
  return sent;
}

async function receipts(): Promise<[string, number, number, number][]> {
  sinkProcess.send({ cmd: "report" });
  return new Promise((resolve) =>
    sinkProcess.once("message", (m: { receipts: [string, number, number, number][] }) => resolve(m.receipts)),
  );
}

async function waitFor(path: string, count: number) {
  const deadline = Date.now() + PHASE_LIMIT_MS;
  for (;;) {
    const got = (await receipts()).filter((r) => r[0] === path);
    if (got.length >= count || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function phase(
  name: string,
  path: string,
  count: number,
  rate: number,
  publish: (seq: number) => Promise<void>,
) {
  const sent = await drive(count, rate, publish);
  const got = await waitFor(path, sent.size);
  const latencies = got.map(([, seq, at]) => at - (sent.get(seq) ?? at)).sort((a, b) => a - b);
  const first = Math.min(...sent.values());
  const last = Math.max(...got.map((r) => r[2]));
  const invalid = got.reduce((n, r) => n + (r[3] > 0 ? 1 : 0), 0);
  return {
    name,
    events: sent.size,
    received: got.length,
    invalid,
    eventsPerSecond: Math.round((got.length / (last - first)) * 1000),
    p50Ms: Number(quantile(latencies, 0.5).toFixed(2)),
    p99Ms: Number(quantile(latencies, 0.99).toFixed(2)),
  };
}

// --- The gateway side: dispatcher, outbox and SQLite store as the gateway runs them. -------------
const dir = mkdtempSync(join(tmpdir(), "bench-events-"));
const file = join(dir, "gateway.db");
const onPostgres = process.env.BENCH_STORE === "postgres";
const postgres = onPostgres ? await startPostgres() : undefined;
const databaseUrl = await postgres?.createDatabase("bench_events");
let store: Store;
let outbox: EventOutbox;
let deadlines: DeadlineBook;
let share: Parameters<typeof createEventDispatcher>[0]["share"];
if (databaseUrl) {
  // As the gateway wires it on STORE=postgres: the outbox in the store, lanes shared under leases.
  const pgStore = await openPostgresStore({ url: databaseUrl });
  const pgOutbox = openPostgresOutbox(pgStore);
  share = createSharedLanes({
    outbox: pgOutbox,
    url: databaseUrl,
    scanIntervalMs: 1000,
    logger: pino({ level: "warn" }),
  });
  [store, outbox, deadlines] = [pgStore, pgOutbox, openPostgresDeadlines(pgStore)];
} else {
  // As the gateway wires it (impl/events/event-delivery.ts): the outbox on the store's connection.
  const sqlite = createSqliteStore({ file });
  [store, outbox, deadlines] = [
    sqlite,
    openOutbox(sqlite.database),
    openSubscriptionDeadlines(sqlite.database),
  ];
}
const sender = createHttpSender({ timeoutMs: 10_000, devCaPem: ca.caCertPem });
const dispatcher = createEventDispatcher({
  outbox,
  ...(share ? { share } : {}),
  policy: createSinkPolicy({ environment: "test", allowlist: [`127.0.0.1:${port}`] }),
  send: sender.send,
  source: "urn:camara-webrtc-gateway:bench",
  retry: { baseMs: 100, maxMs: 1000, retryAfterMaxMs: 1000 },
  maxAgeMs: 600_000,
  logger: pino({ level: "warn" }),
});
// The subscriptions' owner matches each event and hands its notifications to the dispatcher.
const lifecycle = createSubscriptionLifecycle({
  store,
  clock: systemClock,
  logger: pino({ level: "warn" }),
  delivery: {
    outbox: dispatcher,
    deadlines,
    sweepIntervalMs: 1000,
    tokenExpiryLeadMs: 0,
    endedRetentionMs: 60_000,
  },
});
dispatcher.start(lifecycle);
lifecycle.start();
let subscriptionCount = 0;
async function subscribe(path: string): Promise<void> {
  // Each phase gets its own media session, so that its subscription alone matches.
  subscriptionCount += 1;
  await store.subscriptions.put({
    id: `sub-${subscriptionCount}`,
    owner: "+34600000001",
    request: {
      protocol: "HTTP",
      sink: `${origin}${path}`,
      types: ["org.camaraproject.webrtc-events.v0.session-status"],
      config: { subscriptionDetail: { registrationId: "reg-bench", sessionId: `ms-${path}` } },
    },
    status: "ACTIVE",
    startsAt: new Date().toISOString(),
    expiresAt: null,
    eventCount: 0,
  });
}
const viaDispatcher = (path: string) => async (seq: number) => {
  const event = sessionStatus(seq);
  await lifecycle.publish({ ...event, mediaSessionId: `ms-${path}` } as PublishedEvent);
};

// --- The baseline: the same CloudEvent bytes POSTed directly, one at a time. -----------------------
const agent = new Agent({ connect: { ca: ca.caCertPem }, keepAliveTimeout: 30_000 });
const direct = (path: string) => {
  let chain = Promise.resolve();
  return async (seq: number) => {
    const body = JSON.stringify(
      buildCloudEvent({
        id: randomUUID(),
        source: "urn:bench",
        time: new Date(),
        subscriptionId: "sub-base",
        event: sessionStatus(seq),
      }),
    );
    // One in flight, like a dispatcher lane; publish returns at once, as the dispatcher's does.
    chain = chain.then(async () => {
      const res = await request(`${origin}${path}`, {
        method: "POST",
        headers: { "content-type": "application/cloudevents+json", "x-correlator": "bench" },
        body,
        dispatcher: agent,
      });
      await res.body.dump();
    });
  };
};

const results = [];
await phase("warm-up", "/warm", 200, 0, direct("/warm"));
await subscribe("/dispatch-warm");
await phase("warm-up", "/dispatch-warm", 200, 0, viaDispatcher("/dispatch-warm"));
for (const [label, path, rate] of [
  ["throughput", "tput", 0],
  ["latency", "lat", RATE],
] as const) {
  const count = rate === 0 ? EVENTS : LATENCY_EVENTS;
  results.push(
    await phase(
      `baseline ${label} (plain HTTPS POST)`,
      `/base-${path}`,
      count,
      rate,
      direct(`/base-${path}`),
    ),
  );
  await subscribe(`/dispatch-${path}`);
  results.push(
    await phase(
      `dispatcher ${label} (outbox + lane)`,
      `/dispatch-${path}`,
      count,
      rate,
      viaDispatcher(`/dispatch-${path}`),
    ),
  );
}

console.log(
  `\nwebrtc-events delivery to a loopback HTTPS sink, outbox on ${onPostgres ? "PostgreSQL" : "SQLite"} (${new Date().toISOString()})`,
);
console.table(results);
const [, dispatchTput, , dispatchLat] = [results[0], results[1], results[2], results[3]];
console.log(
  `targets: ≥ 2000 events/s → ${dispatchTput?.eventsPerSecond} (${(dispatchTput?.eventsPerSecond ?? 0) >= 2000 ? "met" : "NOT met"}); ` +
    `p99 < 5 ms at ${RATE}/s → ${dispatchLat?.p99Ms} ms (${(dispatchLat?.p99Ms ?? Infinity) < 5 ? "met" : "NOT met"})`,
);
mkdirSync(fromRoot("reports"), { recursive: true });
writeFileSync(
  fromRoot("reports", onPostgres ? "bench-events-postgres.json" : "bench-events.json"),
  `${JSON.stringify({ rate: RATE, store: onPostgres ? "postgres" : "sqlite", results }, null, 2)}\n`,
);

await lifecycle.close();
await dispatcher.close();
await sender.close();
await agent.close();
outbox.close();
await store.close();
await postgres?.close();
rmSync(dir, { recursive: true, force: true });
sinkProcess.send({ cmd: "exit" });
