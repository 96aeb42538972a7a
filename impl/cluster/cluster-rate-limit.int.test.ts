/**
 * Rate limits in a cluster (README "Running several gateways"): one limit per node, keyed on the
 * client's address that haproxy passes in X-Forwarded-For (TRUST_PROXY), not on the balancer's.
 * Two real nodes (ENGINE=offline) on one PostgreSQL behind haproxy; the clients connect from
 * different loopback addresses.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Agent, request } from "undici";
import { freePort } from "../../scripts/lab/free-port.ts";
import { type HaproxyLab, startHaproxy } from "../../scripts/lab/haproxy.ts";
import { type PostgresLab, startPostgres } from "../../scripts/lab/postgres.ts";
import { type SpawnedGateway, spawnGateway } from "../testing/spawn-gateway.ts";

const LIMIT = 4;
const NODES = 2;
const SUBSCRIPTIONS = "/webrtc-events/v0.2/subscriptions";

describe("rate limits across nodes", () => {
  let dir: string;
  let postgres: PostgresLab;
  let balancer: HaproxyLab;
  const nodes: SpawnedGateway[] = [];
  const clients = new Map<string, Agent>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "cluster-rate-"));
    postgres = await startPostgres();
    const databaseUrl = await postgres.createDatabase("cluster_rate");
    const balancerPort = await freePort();
    const secret = randomBytes(32).toString("hex");
    for (let i = 0; i < NODES; i++)
      nodes.push(
        await spawnGateway(
          {
            ENGINE: "offline",
            STORE: "postgres",
            DATABASE_URL: databaseUrl,
            NODE_ID: `node-${i}`,
            CLUSTER_SECRET: secret,
            CLUSTER_INTERNAL_PORT: String(await freePort()),
            RATE_LIMIT_PER_MINUTE: String(LIMIT),
            TRUST_PROXY: "loopback",
            DATA_DIR: join(dir, `node-${i}`),
            DEV_ISSUER_KEY_FILE: join(dir, "dev-issuer-key.json"),
            DEV_ISSUER_URL: `http://127.0.0.1:${balancerPort}/dev-issuer`,
          },
          60_000,
        ),
      );
    balancer = await startHaproxy({
      port: balancerPort,
      backends: nodes.map((n, i) => ({ name: `node-${i}`, port: Number(new URL(n.baseUrl).port) })),
    });
  });
  after(async () => {
    for (const node of nodes) if (node.child.exitCode === null) node.child.kill("SIGKILL");
    await Promise.all(nodes.map((n) => n.exited));
    await Promise.all([...clients.values()].map((c) => c.close()));
    await balancer?.stop();
    await postgres?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A request through the balancer from one loopback address (no token: the limit comes first). */
  const list = async (from: string) => {
    let client = clients.get(from);
    if (!client) {
      client = new Agent({ localAddress: from });
      clients.set(from, client);
    }
    const res = await request(`${balancer.baseUrl}${SUBSCRIPTIONS}`, { dispatcher: client });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };

  it("counts each client on each node by the address haproxy forwards, so one client's excess does not limit another", async () => {
    const statuses: number[] = [];
    let limited: Record<string, unknown> | undefined;
    for (let i = 0; i < NODES * LIMIT + 2; i++) {
      const res = await list("127.0.0.2");
      statuses.push(res.status);
      if (res.status === 429) limited = res.body;
    }
    // Round robin: each node lets LIMIT of this client's requests through (401: no token), then refuses.
    assert.equal(statuses.filter((s) => s === 401).length, NODES * LIMIT, statuses.join(","));
    assert.equal(statuses.filter((s) => s === 429).length, 2, statuses.join(","));
    assert.deepEqual(limited && { status: limited.status, code: limited.code }, {
      status: 429,
      code: "TOO_MANY_REQUESTS",
    });
    // Another client behind the same balancer still has its own budget on every node.
    for (let i = 0; i < NODES; i++) assert.equal((await list("127.0.0.3")).status, 401);
  });
});
