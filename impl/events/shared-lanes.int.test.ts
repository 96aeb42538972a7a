/**
 * The PostgreSQL outbox and its shared lanes against a private server (scripts/lab/postgres.ts) and
 * a loopback HTTPS sink: two "nodes" (two stores, two dispatchers) on one database deliver each
 * sink's events in order, one node at a time, and a lane whose lease is lost moves to the other.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { type SinkReceiver, startSinkReceiver } from "../../conformance/sink/index.ts";
import { type PostgresLab, startPostgres } from "../../scripts/lab/postgres.ts";
import { openPostgresDeadlines, openPostgresStore, type PostgresStore } from "../store/index.ts";
import { createEventDispatcher, type EventDispatcher } from "./event-dispatcher.ts";
import { createHttpSender, type Delivery } from "./http-sender.ts";
import type { NewOutboxRow } from "./outbox.ts";
import { openPostgresOutbox, type PostgresOutbox } from "./postgres-outbox.ts";
import { createSharedLanes } from "./shared-lanes.ts";
import { createSinkPolicy } from "./sink-policy.ts";
import { testDevCa } from "./testing/events-test-gateway.ts";

let lab: PostgresLab;
let sink: SinkReceiver;
let databases = 0;
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

before(async () => {
  lab = await startPostgres();
  const ca = testDevCa();
  sink = await startSinkReceiver({ tls: { cert: ca.serverCertPem, key: ca.serverKeyPem } });
});
after(async () => {
  await sink?.close();
  await lab?.close();
});

interface Node {
  readonly name: string;
  readonly store: PostgresStore;
  readonly outbox: PostgresOutbox;
  readonly dispatcher: EventDispatcher;
  /** [start, end] of each send of this node, epoch ms. */
  readonly sends: { sink: string; start: number; end: number }[];
}

async function startNode(name: string, url: string): Promise<Node> {
  const store = await openPostgresStore({ url, poolSize: 4 });
  const outbox = openPostgresOutbox(store);
  const sender = createHttpSender({ timeoutMs: 5000, devCaPem: testDevCa().caCertPem });
  const sends: Node["sends"] = [];
  const dispatcher = createEventDispatcher({
    outbox,
    share: createSharedLanes({ outbox, url, scanIntervalMs: 100, logger }),
    policy: createSinkPolicy({ environment: "test", allowlist: [`127.0.0.1:${sink.port}`] }),
    async send(delivery: Delivery) {
      const start = Date.now();
      try {
        return await sender.send(delivery);
      } finally {
        sends.push({ sink: delivery.sink, start, end: Date.now() });
      }
    },
    source: "urn:test",
    retry: { baseMs: 20, maxMs: 100, retryAfterMaxMs: 1000 },
    maxAgeMs: 60_000,
    logger,
  });
  dispatcher.start({ gone: async () => undefined, unauthorized: async () => undefined });
  return { name, store, outbox, dispatcher, sends };
}

const row = (sinkUrl: string, n: number, authorization: string | null = null): NewOutboxRow => ({
  eventId: randomUUID(),
  subscriptionId: "sub-1",
  sink: sinkUrl,
  authorization,
  correlator: `c-${n}`,
  body: JSON.stringify({
    id: randomUUID(),
    source: "urn:test",
    type: "org.camaraproject.webrtc-events.v0.session-status",
    specversion: "1.0",
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    data: { n },
  }),
  status: "pending",
  createdAt: Date.now(),
});

const numbersAt = (path: string) =>
  sink
    .requests()
    .filter((r) => r.path === path && r.status < 300)
    .map((r) => (r.event?.data as { n: number }).n);

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stop(...nodes: Node[]) {
  for (const node of nodes) {
    await node.dispatcher.close();
    await node.store.close();
  }
}

describe("the PostgreSQL outbox shared by several nodes", () => {
  it("delivers the events appended on two nodes for one sink in order, one node sending at a time", async () => {
    const url = await lab.createDatabase(`lanes_${++databases}`);
    const [a, b] = [await startNode("a", url), await startNode("b", url)];
    try {
      const path = "/order";
      const target = sink.url(path);
      // Appended straight to the outbox, on alternate nodes: the commits' notifications wake the lanes.
      for (let n = 1; n <= 40; n++) await (n % 2 ? a : b).outbox.append([row(target, n)]);
      await until("40 deliveries", () => numbersAt(path).length >= 40);
      assert.deepEqual(
        numbersAt(path),
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      const sends = [...a.sends, ...b.sends]
        .filter((s) => s.sink === target)
        .sort((x, y) => x.start - y.start);
      for (let i = 1; i < sends.length; i++)
        assert.ok((sends[i]?.start ?? 0) >= (sends[i - 1]?.end ?? 0), "two sends to one sink overlapped");
      await until("the delivered rows removed", async () => (await a.outbox.pending()).length === 0);
    } finally {
      await stop(a, b);
    }
  });

  it("moves a lane whose lease was lost (its connection ended) to the other node: nothing lost, order kept", async () => {
    const url = await lab.createDatabase(`lanes_${++databases}`);
    const [a, b] = [await startNode("a", url), await startNode("b", url)];
    const path = "/failover";
    const target = sink.url(path);
    try {
      // Slow answers keep the lane busy on whichever node claims it first.
      sink.setBehaviour([], { status: 204, delayMs: 30 });
      await a.outbox.append(Array.from({ length: 30 }, (_, i) => row(target, i + 1)));
      await until("the first deliveries", () => numbersAt(path).length >= 5);
      // The server ends the lease connections (as when a node dies): the locks go with them.
      await a.store.reads.query(
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()",
      );
      await until("all 30 delivered", () => new Set(numbersAt(path)).size === 30);
      const got = numbersAt(path);
      // At least once, and in order: a repeat only ever goes back to a row not yet confirmed.
      const firsts = got.filter((n, i) => got.indexOf(n) === i);
      assert.deepEqual(
        firsts,
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      await until("the outbox empty", async () => (await a.outbox.pending()).length === 0);
    } finally {
      sink.setBehaviour([], {});
      await stop(a, b);
    }
  });

  it("goes on delivering after the server ended every connection of the node (LISTEN and leases come back)", async () => {
    const url = await lab.createDatabase(`lanes_${++databases}`);
    const a = await startNode("a", url);
    const path = "/reconnect";
    const target = sink.url(path);
    try {
      await a.outbox.append([row(target, 1)]);
      await until("the first delivery", () => numbersAt(path).length === 1);
      const admin = await openPostgresStore({ url, poolSize: 1 });
      await admin.reads.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
      );
      await admin.close();
      // The store's pools reconnect on their next use; the lanes find the row by their scan or LISTEN.
      await until("the append after the outage", async () => {
        try {
          await a.outbox.append([row(target, 2)]);
          return true;
        } catch {
          return false;
        }
      });
      await until("the second delivery", () => numbersAt(path).includes(2));
      assert.deepEqual(numbersAt(path).slice(0, 2), [1, 2]);
      // Nothing left in flight to answer the next test's scripted sink.
      await until("the outbox empty", async () => (await a.outbox.pending()).length === 0);
    } finally {
      await stop(a);
    }
  });

  it("retries a 503, keeps a 400 as failed, and stores text as given (U+0000 and backslashes included)", async () => {
    const url = await lab.createDatabase(`lanes_${++databases}`);
    const a = await startNode("a", url);
    const path = "/outcomes";
    const target = sink.url(path);
    try {
      sink.setBehaviour([{ status: 503 }, { status: 400 }], {});
      const token = "Bearer a\\0b\\\\";
      // Held (a sink not allow-listed in test): kept as written, never released.
      const held = { ...row("https://sink.invalid/held", 3, "Bearer a\0b\\0"), status: "held" as const };
      await a.outbox.append([row(target, 1, token), row(target, 2, token), held]);
      await until("one event accepted", () => numbersAt(path).length === 1);
      const requests = sink.requests().filter((r) => r.path === path);
      assert.deepEqual(
        requests.map((r) => r.status),
        [503, 400, 204],
      );
      assert.deepEqual(
        requests.map((r) => r.authorization),
        [token, token, token],
      );
      await until("the refused row failed", async () => (await a.outbox.list("failed")).length === 1);
      assert.deepEqual(
        (await a.outbox.list("held")).map((r) => [r.eventId, r.authorization]),
        [[held.eventId, "Bearer a\0b\\0"]],
      );
      assert.deepEqual(await a.outbox.counts(), { failed: 1, held: 1 });
    } finally {
      sink.setBehaviour([], {});
      await stop(a);
    }
  });

  it("keeps subscriptions' deadlines in the shared database", async () => {
    const url = await lab.createDatabase(`lanes_${++databases}`);
    const store = await openPostgresStore({ url, poolSize: 2 });
    const other = await openPostgresStore({ url, poolSize: 2 });
    try {
      const deadlines = openPostgresDeadlines(store);
      await deadlines.setDeadline("s-1", "expire", 1000);
      await deadlines.setDeadline("s-1", "token", 500);
      await deadlines.setDeadline("s-2", "expire", 5000);
      // Another node sees them, earliest first.
      assert.deepEqual(await openPostgresDeadlines(other).dueDeadlines(1000), [
        { subscriptionId: "s-1", kind: "token" },
        { subscriptionId: "s-1", kind: "expire" },
      ]);
      await deadlines.clearDeadlines("s-1", "token");
      assert.deepEqual(await deadlines.dueDeadlines(9000), [
        { subscriptionId: "s-1", kind: "expire" },
        { subscriptionId: "s-2", kind: "expire" },
      ]);
      await deadlines.clearDeadlines("s-1");
      assert.deepEqual(await deadlines.dueDeadlines(9000), [{ subscriptionId: "s-2", kind: "expire" }]);
    } finally {
      await store.close();
      await other.close();
    }
  });
});
