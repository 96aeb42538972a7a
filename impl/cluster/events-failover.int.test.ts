/**
 * Events across the nodes of a cluster (issue 16 items 4 and 5): three real gateway processes on
 * one PostgreSQL, a loopback HTTPS sink (allow-listed). Events published on every node for one sink
 * arrive in order; the node serving the sink's lane is killed (SIGKILL) mid-stream and a survivor
 * takes the lane over: none lost, order kept. A relay WebSocket on one node receives what is posted
 * to the relay sink of another, and replays from its cursor after reconnecting to a third.
 */
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { Agent, request } from "undici";
import WebSocket from "ws";
import { type SinkReceiver, startSinkReceiver } from "../../conformance/sink/index.ts";
import { ensureDevCa } from "../../scripts/dev-ca/dev-ca.ts";
import { freePort } from "../../scripts/lab/free-port.ts";
import { type PostgresLab, startPostgres } from "../../scripts/lab/postgres.ts";
import { fromRoot } from "../../scripts/lib/paths.ts";
import { type SpawnedGateway, spawnGateway } from "../testing/spawn-gateway.ts";
import { ALICE, ALL_SCOPES } from "../testing/test-gateway.ts";

const SUBSCRIPTIONS = "/webrtc-events/v0.2/subscriptions";
const REGISTRATION_ENDS = "org.camaraproject.webrtc-events.v0.registration-ends";
const ENDED = "org.camaraproject.webrtc-events.v0.subscription-ended";

const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("events across the nodes of a cluster (shared outbox lanes, relay over LISTEN/NOTIFY)", () => {
  let dir: string;
  let postgres: PostgresLab;
  let databaseUrl = "";
  let sink: SinkReceiver;
  let token = "";
  const ca = ensureDevCa(fromRoot("data", "dev-ca"));
  const agent = new Agent({ connect: { ca: ca.caCertPem } });
  const nodes: SpawnedGateway[] = [];
  const relayPorts: number[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "cluster-events-"));
    postgres = await startPostgres();
    databaseUrl = await postgres.createDatabase("cluster_events");
    sink = await startSinkReceiver({ tls: { cert: ca.serverCertPem, key: ca.serverKeyPem } });
    const secret = randomBytes(32).toString("hex");
    for (let i = 0; i < 3; i++) relayPorts.push(await freePort());
    const issuerPort = await freePort();
    for (let i = 0; i < 3; i++) {
      nodes.push(
        await spawnGateway({
          STORE: "postgres",
          DATABASE_URL: databaseUrl,
          NODE_ID: `node-${i}`,
          CLUSTER_SECRET: secret,
          CLUSTER_INTERNAL_PORT: String(await freePort()),
          CLUSTER_LEASE_MS: "3000",
          DATA_DIR: join(dir, `node-${i}`),
          DEV_ISSUER_KEY_FILE: join(dir, "dev-issuer-key.json"),
          DEV_ISSUER_URL: `http://127.0.0.1:${issuerPort}/dev-issuer`,
          DEV_CA_DIR: ca.dir,
          DEV_PHONE_NUMBERS: ALICE,
          RELAY_PORT: String(relayPorts[i]),
          // The sink, and every node's relay sinks: any node may serve a lane to any of them.
          EVENT_SINK_ALLOWLIST: [`127.0.0.1:${sink.port}`, ...relayPorts.map((p) => `127.0.0.1:${p}`)].join(
            ",",
          ),
          EVENT_LANE_SCAN_MS: "200",
          EVENT_RETRY_BASE_MS: "50",
          EVENT_RETRY_MAX_MS: "200",
        }),
      );
    }
    token = (await nodes[0]?.token(ALICE, ALL_SCOPES)) ?? "";
  });
  after(async () => {
    for (const node of nodes) if (node.child.exitCode === null) node.child.kill("SIGKILL");
    await Promise.all(nodes.map((n) => n.exited));
    await agent.close();
    await sink?.close();
    await postgres?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const node = (i: number) => nodes[i] as SpawnedGateway;
  const api = async (base: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const subscribe = async (base: string, sinkUrl: string, registrationId: string) => {
    const res = await api(base, "POST", SUBSCRIPTIONS, {
      protocol: "HTTP",
      sink: sinkUrl,
      types: [REGISTRATION_ENDS],
      config: { subscriptionDetail: { registrationId } },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return String(res.body.id);
  };
  /** The subscriptionIds of the subscription-ended events the sink accepted at `path`, in arrival order. */
  const endedAt = (path: string) =>
    sink
      .requests()
      .filter((r) => r.path === path && r.status < 300 && r.event?.type === ENDED)
      .map((r) => String(r.event?.data?.subscriptionId));
  /** The PID of the gateway process serving the lanes now (its lease connection holds an advisory lock). */
  const laneHolder = async (): Promise<number | undefined> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a USING (pid)
         WHERE l.locktype = 'advisory' AND a.application_name LIKE 'camara-event-lanes %'`,
      );
      const pid = rows[0]?.name.split(" ")[1];
      return pid === undefined ? undefined : Number(pid);
    } finally {
      await client.end();
    }
  };

  it("relays to a WebSocket on one node what is posted on another, and replays from the cursor on a third", async () => {
    const [na, nb, nc] = [node(0), node(1), node(2)];
    const open = (base: string, message: object) => {
      const socket = new WebSocket(`${base.replace("http", "ws")}/relay/v0/socket`);
      const messages: {
        type: string;
        cursor?: number;
        channelId?: string;
        sink?: string;
        event?: { data?: { n?: number } };
        sinkCredential?: { accessToken: string };
      }[] = [];
      socket.on("message", (data) => messages.push(JSON.parse(data.toString())));
      socket.once("open", () =>
        socket.send(JSON.stringify({ type: "open", accessToken: token, ...message })),
      );
      return { socket, messages };
    };
    const a = open(na.baseUrl, {});
    await until("the channel", () => a.messages.some((m) => m.type === "channel"));
    const channel = a.messages.find((m) => m.type === "channel");
    const channelId = String(channel?.channelId);
    const sinkToken = String(channel?.sinkCredential?.accessToken);
    /** Posts a notification to the relay sink of the node whose relay listens on `port`. */
    const post = async (port: number, n: number) => {
      const res = await request(`https://127.0.0.1:${port}/relay/v0/sinks/${encodeURIComponent(channelId)}`, {
        method: "POST",
        headers: { authorization: `Bearer ${sinkToken}`, "content-type": "application/cloudevents+json" },
        body: JSON.stringify({
          id: randomUUID(),
          specversion: "1.0",
          type: "t",
          source: "urn:t",
          data: { n },
        }),
        dispatcher: agent,
      });
      await res.body.dump();
      assert.equal(res.statusCode, 204);
    };
    const portOf = (n: SpawnedGateway) => relayPorts[nodes.indexOf(n)] ?? 0;
    await post(portOf(nb), 1);
    await until("the event on the other node's socket", () => a.messages.some((m) => m.type === "event"));
    assert.deepEqual(
      a.messages.filter((m) => m.type === "event").map((m) => [m.cursor, m.event?.data?.n]),
      [[1, 1]],
    );
    a.socket.close();
    await new Promise((r) => a.socket.once("close", r));
    // Missed while disconnected, posted on both survivors.
    await post(portOf(nb), 2);
    await post(portOf(nc), 3);
    const c = open(nc.baseUrl, { channelId, cursor: 1 });
    await until("the replay", () => c.messages.filter((m) => m.type === "event").length >= 2);
    await post(portOf(na), 4);
    await until(
      "the live event after the replay",
      () => c.messages.filter((m) => m.type === "event").length >= 3,
    );
    assert.deepEqual(
      c.messages.filter((m) => m.type === "event").map((m) => [m.cursor, m.event?.data?.n]),
      [
        [2, 2],
        [3, 3],
        [4, 4],
      ],
    );
    c.socket.close();
  });

  it("delivers events published on every node for one sink in order, and keeps them when the lane's node is killed", async () => {
    const register = await api(node(0).baseUrl, "POST", "/webrtc-registration/v0.3/sessions", {
      deviceId: randomUUID(),
    });
    assert.equal(register.status, 200, JSON.stringify(register.body));
    const registrationId = String(register.body.registrationId);
    const path = "/cluster-order";
    const target = sink.url(path);
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push(await subscribe(node(i % 3).baseUrl, target, registrationId));
    // A slow sink keeps the lane busy: the deletions' events queue up behind it.
    sink.setBehaviour([], { status: 204, delayMs: 80 });
    const deleted: string[] = [];
    for (const [i, id] of ids.slice(0, 12).entries()) {
      const res = await api(node(i % 3).baseUrl, "DELETE", `${SUBSCRIPTIONS}/${id}`);
      assert.equal(res.status, 204, JSON.stringify(res.body));
      deleted.push(id);
    }
    await until("the first events delivered", () => endedAt(path).length >= 2);
    const pid = await laneHolder();
    const victim = nodes.findIndex((n) => n.child.pid === pid);
    assert.ok(victim >= 0, `the lane is held by a node (pid ${pid})`);
    node(victim).child.kill("SIGKILL");
    await node(victim).exited;
    const delivered = endedAt(path).length;
    assert.ok(delivered < deleted.length, "the lane's node was killed mid-stream");
    // The survivors go on publishing for the same sink.
    const survivors = [0, 1, 2].filter((i) => i !== victim);
    for (const [i, id] of ids.slice(12).entries()) {
      const res = await api(node(survivors[i % 2] ?? 0).baseUrl, "DELETE", `${SUBSCRIPTIONS}/${id}`);
      assert.equal(res.status, 204, JSON.stringify(res.body));
      deleted.push(id);
    }
    await until("every event delivered", () => new Set(endedAt(path)).size === deleted.length, 30_000);
    const got = endedAt(path);
    // At least once and in order: a repeat (an event sent again after the kill) comes back in turn.
    assert.deepEqual(
      got.filter((id, i) => got.indexOf(id) === i),
      deleted,
    );
    sink.setBehaviour([], {});
  });
});
