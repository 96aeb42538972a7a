/**
 * Fault tests of webrtc-events delivery against the real gateway process (impl/server.ts) and a
 * loopback HTTPS sink. Run inside a loopback-only network namespace:
 *   scripts/lib/netns-run.sh events node --import tsx --test impl/events/*.int.test.ts
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { type SinkReceiver, startSinkReceiver } from "../../conformance/sink/index.ts";
import { fromRoot } from "../../scripts/lib/paths.ts";
import { type SpawnedGateway, spawnGateway } from "../testing/spawn-gateway.ts";
import { ALL_SCOPES } from "../testing/test-gateway.ts";
import { testDevCa } from "./testing/events-test-gateway.ts";

const PHONE = "+34600000001";
const REGISTRATION_ENDS = "org.camaraproject.webrtc-events.v0.registration-ends";
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function startSink(): Promise<SinkReceiver> {
  const ca = testDevCa();
  return startSinkReceiver({ tls: { cert: ca.serverCertPem, key: ca.serverKeyPem } });
}

/** Starts the gateway with fast back-off (100 ms base, 1 s cap) and the sinks allow-listed. */
async function gateway(sinks: readonly SinkReceiver[], dataDir?: string) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "events-int-"));
  if (!dataDir) dirs.push(dir);
  const gw = await spawnGateway({
    DATA_DIR: dir,
    DEV_CA_DIR: fromRoot("data", "dev-ca"),
    EVENT_SINK_ALLOWLIST: sinks.map((s) => `127.0.0.1:${s.port}`).join(","),
    EVENT_RETRY_BASE_MS: "100",
    EVENT_RETRY_MAX_MS: "1000",
    EVENT_DELIVERY_TIMEOUT_MS: "5000",
  });
  return { gw, dir, api: await client(gw) };
}

async function client(gw: SpawnedGateway) {
  const token = await gw.token(PHONE, ALL_SCOPES);
  const call = async (method: string, path: string, body?: object) => {
    const res = await fetch(`${gw.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, string>) : {};
  };
  const registration = await call("POST", "/webrtc-registration/v0.3/sessions", {
    deviceId: crypto.randomUUID(),
  });
  return {
    /** Creates `count` subscriptions to `sinkUrl`; returns their ids. */
    async subscribe(sinkUrl: string, count: number): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const sub = await call("POST", "/webrtc-events/v0.2/subscriptions", {
          protocol: "HTTP",
          sink: sinkUrl,
          types: [REGISTRATION_ENDS],
          config: { subscriptionDetail: { registrationId: registration.registrationId } },
        });
        ids.push(String(sub.id));
      }
      return ids;
    },
    /** Deletes subscriptions in order: each produces one subscription-ended event to its sink. */
    async end(ids: readonly string[]) {
      for (const id of ids) await call("DELETE", `/webrtc-events/v0.2/subscriptions/${id}`);
    },
  };
}

/** subscriptionIds of the events a sink accepted at `path`, in order of acceptance. */
function accepted(sink: SinkReceiver, path = "/sink") {
  return sink
    .requests()
    .filter((r) => r.path === path && r.status < 300)
    .map((r) => String(r.event?.data?.subscriptionId));
}

async function until(condition: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stop(gw: SpawnedGateway) {
  gw.child.kill("SIGTERM");
  await gw.exited;
}

describe("webrtc-events delivery under faults (real gateway process)", () => {
  it("delivers every event, in order and none lost, when the sink is down for 30 s and comes back", async () => {
    const sink = await startSink();
    const { gw, api } = await gateway([sink]);
    try {
      const ids = await api.subscribe(sink.url(), 20);
      await sink.stop();
      await api.end(ids);
      await new Promise((r) => setTimeout(r, 30_000));
      assert.deepEqual(accepted(sink), [], "nothing was delivered while the sink was down");
      await sink.restart();
      await until(() => accepted(sink).length >= ids.length, 15_000, "all events after the outage");
      assert.deepEqual(accepted(sink), ids);
      for (const r of sink.requests()) assert.deepEqual(r.problems, []);
    } finally {
      await stop(gw);
      await sink.close();
    }
  });

  it("delivers on the sixth try after the sink answered 500 five times, with the same CloudEvent id", async () => {
    const sink = await startSink();
    const { gw, api } = await gateway([sink]);
    try {
      const [id] = await api.subscribe(sink.url(), 1);
      sink.setBehaviour(Array.from({ length: 5 }, () => ({ status: 500 })));
      await api.end([id ?? ""]);
      await sink.waitFor((r) => r.status === 204, 15_000);
      const tries = sink.requests();
      assert.deepEqual(
        tries.map((r) => r.status),
        [500, 500, 500, 500, 500, 204],
      );
      assert.equal(new Set(tries.map((r) => r.event?.id)).size, 1, "every try carried the same id");
      assert.deepEqual(accepted(sink), [id]);
    } finally {
      await stop(gw);
      await sink.close();
    }
  });

  it("delivers pending events after the gateway is killed with kill -9, keeping their CloudEvent ids", async () => {
    const sink = await startSink();
    const first = await gateway([sink]);
    const ids = await first.api.subscribe(sink.url(), 5);
    sink.setBehaviour([], { status: 503 });
    await first.api.end(ids);
    await sink.waitFor(() => true, 10_000);
    first.gw.child.kill("SIGKILL");
    await first.gw.exited;
    const idsBeforeCrash = new Map(
      sink.requests().map((r) => [String(r.event?.data?.subscriptionId), r.event?.id]),
    );
    sink.setBehaviour([], {});
    const second = await gateway([sink], first.dir);
    try {
      await until(() => accepted(sink).length >= ids.length, 15_000, "pending events after the restart");
      assert.deepEqual(accepted(sink), ids, "all five, in order");
      for (const r of sink.requests().filter((x) => x.status === 204)) {
        const before = idsBeforeCrash.get(String(r.event?.data?.subscriptionId));
        if (before) assert.equal(r.event?.id, before, "a redelivered event keeps its id");
      }
      assert.ok(idsBeforeCrash.size >= 1);
    } finally {
      await stop(second.gw);
      await sink.close();
    }
  });

  it("does not let a sink taking 2 s per request delay another subscription's sink", async () => {
    const slow = await startSink();
    const fast = await startSink();
    slow.setBehaviour([], { delayMs: 2000 });
    const { gw, api } = await gateway([slow, fast]);
    try {
      const slowIds = await api.subscribe(slow.url(), 3);
      const [fastId] = await api.subscribe(fast.url(), 1);
      await api.end(slowIds);
      await api.end([fastId ?? ""]);
      const quick = await fast.waitFor(() => true, 10_000);
      await until(() => slow.requests().length >= 1, 10_000, "the slow sink's first answer");
      const [firstSlow] = slow.requests();
      // The slow sink had not answered its first request (received + 2 s) when the fast one got its event.
      assert.ok(quick.receivedAt < (firstSlow?.receivedAt ?? 0) + 2000, "the fast sink was not held up");
      await until(() => accepted(slow).length >= 3, 15_000, "the slow sink's events");
      assert.deepEqual(accepted(slow), slowIds);
    } finally {
      await stop(gw);
      await slow.close();
      await fast.close();
    }
  });
});
