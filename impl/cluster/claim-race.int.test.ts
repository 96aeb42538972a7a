/**
 * Nothing taken over twice: two survivors (real cluster nodes, each with its own connection pool) on
 * one PostgreSQL race for a dead node's registrations and calls, by their failover sweeps and by
 * claims on demand (what an API request for a resource of a dead node does, cluster-engine.ts).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, afterEach, before, describe, it } from "node:test";
import pg from "pg";
import { freePort } from "../../scripts/lab/free-port.ts";
import { type PostgresLab, startPostgres } from "../../scripts/lab/postgres.ts";
import type { ClusterConfig } from "./cluster-config.ts";
import { type ClusterNode, openClusterNode } from "./cluster-node.ts";
import { createNodeRegistry, type ResourceKind } from "./node-registry.ts";

const LEASE_MS = 900;
const quiet = { info: () => undefined, warn: () => undefined };

describe("two survivors racing for a dead node's resources (real PostgreSQL)", () => {
  let lab: PostgresLab;
  let url: string;
  const pools: pg.Pool[] = [];
  const nodes: ClusterNode[] = [];
  const secret = randomBytes(32).toString("hex");

  before(async () => {
    lab = await startPostgres();
    url = await lab.createDatabase("claim_race");
  });
  afterEach(async () => {
    // A test's survivors would sweep the next test's dead node too.
    for (const node of nodes.splice(0)) await node.stop();
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await lab?.close();
  });

  const pool = () => {
    const p = new pg.Pool({ connectionString: url, max: 4 });
    // The database stops after the test: an idle connection's end is no failure of it.
    p.on("error", () => undefined);
    pools.push(p);
    return p;
  };
  const config = async (nodeId: string): Promise<ClusterConfig> => {
    const internalPort = await freePort();
    return {
      nodeId,
      secret,
      internalHost: "127.0.0.1",
      internalPort,
      internalUrl: `http://127.0.0.1:${internalPort}`,
      leaseMs: LEASE_MS,
      heartbeatMs: LEASE_MS / 3,
    };
  };
  /** A node that held `sessions` calls and `registrations` registrations, then died (its lease given up). */
  const deadNode = async (nodeId: string, sessions: number, registrations: number) => {
    const p = pool();
    const opened = await openClusterNode(p, await config(nodeId), quiet);
    await opened.registry.heartbeat();
    const ids: string[] = [];
    const own = async (kind: ResourceKind, count: number) => {
      for (let i = 0; i < count; i++) {
        const id = `${nodeId}-${kind}-${i}`;
        await opened.registry.own(id, kind);
        ids.push(id);
      }
    };
    await own("session", sessions);
    await own("registration", registrations);
    await opened.registry.resign();
    return ids;
  };
  const owners = async (ids: readonly string[]) => {
    const { rows } = await (pools[0] as pg.Pool).query<{ resource_id: string; node_id: string }>(
      "SELECT resource_id, node_id FROM cluster_ownership WHERE resource_id = ANY($1)",
      [ids],
    );
    return new Map(rows.map((r) => [r.resource_id, r.node_id]));
  };
  const settled = async (ids: readonly string[], survivors: readonly string[]) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const now = await owners(ids);
      if ([...now.values()].every((n) => survivors.includes(n)) && now.size === ids.length) return now;
      if (Date.now() > deadline) throw new Error("the dead node's resources were not all taken over");
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it("hands each resource of a dead node to exactly one survivor's takeover, the sweeps of both running at once", async () => {
    const ids = await deadNode("dead-1", 300, 100);
    const recovered = new Map<string, string[]>();
    const survivors = ["a-1", "b-1"];
    const opened = await Promise.all(
      survivors.map(async (id) => openClusterNode(pool(), await config(id), quiet)),
    );
    nodes.push(...opened);
    await Promise.all(
      opened.map((node, i) =>
        node.start(
          async () => undefined,
          async (resource) => {
            // Work per resource (a re-REGISTER, a dialog rebuilt): one sweep lasts longer than a heartbeat,
            // so the other node's sweep starts while it runs.
            await new Promise((r) => setTimeout(r, 150));
            recovered.set(resource.resourceId, [
              ...(recovered.get(resource.resourceId) ?? []),
              survivors[i] as string,
            ]);
          },
        ),
      ),
    );
    const final = await settled(ids, survivors);
    const deadline = Date.now() + 15_000;
    while (recovered.size < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // A few more sweeps of both: nothing is handed over again.
    await new Promise((r) => setTimeout(r, 3 * LEASE_MS));
    const twice = [...recovered].filter(([, by]) => by.length !== 1);
    assert.deepEqual(twice, [], "no resource taken over twice");
    assert.equal(recovered.size, ids.length, "every resource taken over");
    for (const [id, [by]] of recovered)
      assert.equal(final.get(id), by, `${id} is carried by whoever took it over`);
    const counts = survivors.map((s) => [...recovered.values()].filter(([by]) => by === s).length);
    assert.ok(
      counts.every((c) => c > 0),
      `both survivors took a share (${counts.join(" / ")}): the race was run`,
    );
  });

  it("lets an on-demand claim and the other survivor's sweep take each resource once", async () => {
    const ids = await deadNode("dead-2", 200, 0);
    const claimer = createNodeRegistry(pool(), {
      nodeId: "a-2",
      internalUrl: "http://127.0.0.1:1",
      leaseMs: 60_000,
    });
    await claimer.heartbeat();
    const swept: string[] = [];
    const sweeper = await openClusterNode(pool(), await config("b-2"), quiet);
    nodes.push(sweeper);
    const claiming = (async () => {
      const won: string[] = [];
      for (const id of ids) {
        if (await claimer.claim(id, "session")) won.push(id);
        // Requests arriving one by one, while the sweeper's heartbeat comes.
        await new Promise((r) => setTimeout(r, 5));
      }
      return won;
    })();
    await sweeper.start(
      async () => undefined,
      // The first test's survivors, stopped, are dead nodes too: only this test's resources are counted.
      async (resource) => void (ids.includes(resource.resourceId) && swept.push(resource.resourceId)),
    );
    const claimed = await claiming;
    const final = await settled(ids, ["a-2", "b-2"]);
    const both = claimed.filter((id) => swept.includes(id));
    assert.deepEqual(both, [], "no resource both claimed on demand and swept");
    assert.equal(claimed.length + swept.length, ids.length);
    for (const id of claimed) assert.equal(final.get(id), "a-2");
    for (const id of swept) assert.equal(final.get(id), "b-2");
    assert.ok(claimed.length > 0 && swept.length > 0, `claimed ${claimed.length}, swept ${swept.length}`);
  });
});
