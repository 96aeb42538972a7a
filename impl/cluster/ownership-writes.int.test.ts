/**
 * A gateway node records what it carries through the store's group commit (store migration 7,
 * cluster migration 102): the ownership rows it writes that way are the ones every node reads, and
 * a release removes only its own row.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../scripts/lab/free-port.ts";
import { type PostgresLab, startPostgres } from "../../scripts/lab/postgres.ts";
import { openPostgresStore, type PostgresStore } from "../store/index.ts";
import type { RegistrationRecord } from "../store/records.ts";
import type { ClusterConfig } from "./cluster-config.ts";
import { type ClusterNode, openClusterNode } from "./cluster-node.ts";

const quiet = { info: () => undefined, warn: () => undefined };
const secret = randomBytes(32).toString("hex");

const config = async (nodeId: string): Promise<ClusterConfig> => {
  const internalPort = await freePort();
  return {
    nodeId,
    secret,
    internalHost: "127.0.0.1",
    internalPort,
    internalUrl: `http://127.0.0.1:${internalPort}`,
    leaseMs: 5000,
    heartbeatMs: 1000,
  };
};

const registration = (id: string): RegistrationRecord =>
  ({
    registrationId: id,
    owner: "+34600000001",
    deviceId: `device-${id}`,
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
  }) as unknown as RegistrationRecord;

describe("ownership writes in the store's group commit (real PostgreSQL)", () => {
  let lab: PostgresLab;
  const stores: PostgresStore[] = [];
  const nodes: ClusterNode[] = [];

  before(async () => {
    lab = await startPostgres();
  });
  after(async () => {
    for (const node of nodes) await node.stop();
    for (const store of stores) await store.close();
    await lab?.close();
  });

  const node = async (url: string, nodeId: string) => {
    const store = await openPostgresStore({ url });
    stores.push(store);
    const settings = await config(nodeId);
    const opened = await openClusterNode(store.reads, settings, quiet, (op) => store.writes.write(op));
    await opened.registry.heartbeat();
    nodes.push(opened);
    return { store, node: opened, internalUrl: settings.internalUrl };
  };

  it("records what a node carries, read the same by another node, together with the store's writes", async () => {
    const url = await lab.createDatabase("ownership_writes");
    const a = await node(url, "node-a");
    const b = await node(url, "node-b");
    const ids = Array.from({ length: 40 }, (_, i) => `reg-${i}`);
    // Issued at once: the ownership and record writes share the batches of node a's group commit.
    await Promise.all(
      ids.flatMap((id) => [
        a.node.registry.own(id, "registration"),
        a.store.registrations.put(registration(id)),
      ]),
    );
    for (const id of ids) {
      assert.deepEqual(await a.node.registry.owner(id), { kind: "self" });
      // The lease as read comes with a live owner (NodeRegistry.fence ends only that one).
      const { lease, ...owner } = (await b.node.registry.owner(id)) as { lease?: unknown };
      assert.deepEqual(owner, { kind: "alive", nodeId: "node-a", internalUrl: a.internalUrl });
      assert.equal(typeof lease, "string");
      assert.equal(await a.node.registry.carries(id), true);
      assert.ok(await b.store.registrations.get(id), "the record committed with its owner");
    }
  });

  it("releases only the releasing node's row: a resource another node took stays with it", async () => {
    const url = await lab.createDatabase("ownership_release");
    const a = await node(url, "node-a");
    const b = await node(url, "node-b");
    await a.node.registry.own("call-1", "session");
    await a.node.registry.own("call-2", "session");
    await b.node.registry.release("call-1");
    assert.deepEqual(await a.node.registry.owner("call-1"), { kind: "self" }, "b never carried it");
    await a.node.registry.release("call-1");
    assert.deepEqual(await b.node.registry.owner("call-1"), { kind: "none" });
    await b.node.registry.own("call-2", "session");
    await a.node.registry.release("call-2");
    assert.deepEqual(
      await b.node.registry.owner("call-2"),
      { kind: "self" },
      "b's row is not a's to release",
    );
  });
});
