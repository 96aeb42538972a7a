/**
 * The acceptance load run of issue 16 for registrations and subscriptions: three gateway nodes
 * (impl/server.ts) on one PostgreSQL behind haproxy, registering at the lab's Kamailio, under eight
 * clients creating registrations and subscriptions through the balancer; one node is SIGKILLed mid-load,
 * then (three nodes again) another is stopped with SIGTERM mid-load. Calls are not part of this run
 * (README "Running several gateways" says what covers them).
 */
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ensureDevCa } from "../../scripts/dev-ca/dev-ca.ts";
import { freePort } from "../../scripts/lab/free-port.ts";
import { type HaproxyLab, startHaproxy } from "../../scripts/lab/haproxy.ts";
import { type Lab, startLab } from "../../scripts/lab/lab.ts";
import { type PostgresLab, startPostgres } from "../../scripts/lab/postgres.ts";
import { fromRoot } from "../../scripts/lib/paths.ts";
import { ALICE } from "../engine/sip/testing/sip-lab-gateway.ts";
import { type SpawnedGateway, spawnGateway } from "../testing/spawn-gateway.ts";
import { ALL_SCOPES } from "../testing/test-gateway.ts";
import { taggedNode } from "./node-tagged-id.ts";

const REGISTRATIONS = "/webrtc-registration/v0.3/sessions";
/** r2.2 has no read of one registration; r3.1's reads the same records. */
const REGISTRATION_R3_1 = "/webrtc-registration/v0.4rc1/sessions";
const SUBSCRIPTIONS = "/webrtc-events/v0.2/subscriptions";
const REGISTRATION_ENDS = "org.camaraproject.webrtc-events.v0.registration-ends";
const LEASE_MS = 3000;
/** Bounds of one load: clients, objects per client, and time. */
const CLIENTS = 8;
const PAIRS_PER_CLIENT = 12;
const LOAD_MS = 6000;
/** The node is stopped this long into the load. */
const STOP_AFTER_MS = 2000;

const until = async (what: string, deadline: number, check: () => Promise<boolean>) => {
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

interface LoadResult {
  readonly registrations: string[];
  readonly subscriptions: string[];
  readonly failures: string[];
}

describe("acceptance load: 3 nodes behind haproxy, 8 clients, a node killed or stopped mid-load", () => {
  let dir: string;
  let lab: Lab;
  let postgres: PostgresLab;
  let balancer: HaproxyLab;
  let balancerPort = 0;
  let token = "";
  const nodes = new Map<string, SpawnedGateway>();
  let spawnNode: (name: string) => Promise<SpawnedGateway>;

  const startBalancer = async (names: readonly string[]) => {
    await balancer?.stop();
    balancer = await startHaproxy({
      port: balancerPort,
      backends: names.map((name) => ({ name, port: Number(new URL(node(name).baseUrl).port) })),
    });
  };
  const node = (name: string) => nodes.get(name) as SpawnedGateway;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "cluster-load-"));
    lab = await startLab({ credentials: new Map([[ALICE, "alice-secret"]]) });
    postgres = await startPostgres();
    const databaseUrl = await postgres.createDatabase("cluster_load");
    const credentialsFile = join(dir, "credentials.json");
    writeFileSync(credentialsFile, JSON.stringify({ [ALICE]: "alice-secret" }));
    const ca = ensureDevCa(fromRoot("data", "dev-ca"));
    balancerPort = await freePort();
    const secret = randomBytes(32).toString("hex");
    spawnNode = async (name) => {
      const spawned = await spawnGateway(
        {
          ...lab.gatewayEnv("tcp", credentialsFile),
          STORE: "postgres",
          DATABASE_URL: databaseUrl,
          NODE_ID: name,
          CLUSTER_SECRET: secret,
          CLUSTER_INTERNAL_PORT: String(await freePort()),
          CLUSTER_LEASE_MS: String(LEASE_MS),
          TRUST_PROXY: "loopback",
          DATA_DIR: join(dir, name),
          DEV_ISSUER_KEY_FILE: join(dir, "dev-issuer-key.json"),
          DEV_ISSUER_URL: `http://127.0.0.1:${balancerPort}/dev-issuer`,
          DEV_CA_DIR: ca.dir,
          DEV_PHONE_NUMBERS: ALICE,
        },
        60_000,
      );
      nodes.set(name, spawned);
      return spawned;
    };
    await Promise.all(["node-0", "node-1", "node-2"].map((name) => spawnNode(name)));
    await startBalancer(["node-0", "node-1", "node-2"]);
    token = await node("node-0").token(ALICE, ALL_SCOPES);
  });
  after(async () => {
    for (const n of nodes.values()) if (n.child.exitCode === null) n.child.kill("SIGKILL");
    await Promise.all([...nodes.values()].map((n) => n.exited));
    await balancer?.stop();
    await postgres?.close();
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const api = async (base: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, text };
  };

  /** CLIENTS loops through the balancer, each creating a registration and a subscription to it per turn. */
  const load = async (): Promise<LoadResult> => {
    const result: LoadResult = { registrations: [], subscriptions: [], failures: [] };
    const deadline = Date.now() + LOAD_MS;
    const attempt = async (what: string, method: string, path: string, body: unknown, want: number) => {
      const res = await api(balancer.baseUrl, method, path, body).catch((e: Error) => ({
        status: 0,
        text: e.message,
      }));
      if (res.status === want) return JSON.parse(res.text) as Record<string, unknown>;
      result.failures.push(`${what}: ${res.status} ${res.text}`);
      return undefined;
    };
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let i = 0; i < PAIRS_PER_CLIENT && Date.now() < deadline; i++) {
          const registration = await attempt(
            "register",
            "POST",
            REGISTRATIONS,
            { deviceId: randomUUID() },
            200,
          );
          if (!registration) continue;
          const registrationId = String(registration.registrationId);
          result.registrations.push(registrationId);
          const subscription = await attempt(
            "subscribe",
            "POST",
            SUBSCRIPTIONS,
            {
              protocol: "HTTP",
              sink: `https://sink.example/${registrationId}`,
              types: [REGISTRATION_ENDS],
              config: { subscriptionDetail: { registrationId } },
            },
            201,
          );
          if (subscription) result.subscriptions.push(String(subscription.id));
          await new Promise((r) => setTimeout(r, 100));
        }
      }),
    );
    return result;
  };

  /** The registrar's contact lines for one registration (its rid). */
  const bindings = async (registrationId: string) =>
    (await lab.registrations(ALICE)).split("\n").filter((line) => line.includes(`rid=${registrationId}`));
  /** host:port of a contact line. */
  const contactAddress = (line: string) => /@([^;>\s]+)/.exec(line)?.[1] ?? line;

  /** Registers one registration directly on a node; the address its binding at Kamailio names. */
  const nodeContact = async (name: string) => {
    const res = await api(node(name).baseUrl, "POST", REGISTRATIONS, { deviceId: randomUUID() });
    assert.equal(res.status, 200, res.text);
    const id = String((JSON.parse(res.text) as { registrationId: string }).registrationId);
    const [line] = await bindings(id);
    assert.ok(line, `node ${name} registered ${id} at Kamailio`);
    return contactAddress(line);
  };

  /** Every registration the stopped node created is registered again from another address. */
  const registeredElsewhere = (ids: readonly string[], stoppedAddress: string) => async () => {
    const dump = (await lab.registrations(ALICE)).split("\n");
    return ids.every((id) =>
      dump.some((line) => line.includes(`rid=${id}`) && contactAddress(line) !== stoppedAddress),
    );
  };

  /** Every acknowledged object, read through each of these entry points. */
  const assertReadable = async (loaded: LoadResult, entries: readonly string[]) => {
    const unreadable: string[] = [];
    for (const base of entries) {
      for (const id of loaded.registrations) {
        const res = await api(base, "GET", `${REGISTRATION_R3_1}/${id}`);
        if (res.status !== 200) unreadable.push(`${base} registration ${id}: ${res.status} ${res.text}`);
      }
      for (const id of loaded.subscriptions) {
        const res = await api(base, "GET", `${SUBSCRIPTIONS}/${id}`);
        if (res.status !== 200) unreadable.push(`${base} subscription ${id}: ${res.status} ${res.text}`);
      }
    }
    assert.deepEqual(unreadable, []);
  };

  it("SIGKILL mid-load: every acknowledged object is readable through every node, and the dead node's registrations are at Kamailio again within 10 s", async (t) => {
    const deadAddress = await nodeContact("node-0");
    const loading = load();
    await new Promise((r) => setTimeout(r, STOP_AFTER_MS));
    node("node-0").child.kill("SIGKILL");
    await node("node-0").exited;
    const killedAt = Date.now();
    const loaded = await loading;
    const orphans = loaded.registrations.filter((id) => taggedNode(id) === "node-0");
    assert.ok(orphans.length > 0, "node-0 had created registrations before it died");
    assert.ok(loaded.registrations.length > 3 * CLIENTS, `registrations: ${loaded.registrations.length}`);
    await until(
      `${orphans.length} registrations of node-0 registered again`,
      killedAt + 10_000,
      registeredElsewhere(orphans, deadAddress),
    );
    t.diagnostic(
      `${loaded.registrations.length} registrations and ${loaded.subscriptions.length} subscriptions acknowledged, ` +
        `${loaded.failures.length} requests failed; ${orphans.length} of node-0 registered again ${Date.now() - killedAt} ms after the kill`,
    );
    await assertReadable(loaded, [node("node-1").baseUrl, node("node-2").baseUrl, balancer.baseUrl]);
    // The dead node's resources are served through the balancer by the survivors (its use-server rule is skipped).
    const refreshed = await api(balancer.baseUrl, "PUT", `${REGISTRATIONS}/${orphans[0]}`, {});
    assert.equal(refreshed.status, 200, refreshed.text);
  });

  it("SIGTERM mid-load: no request fails, and the stopped node's registrations are handed over", async (t) => {
    await spawnNode("node-3");
    await startBalancer(["node-1", "node-2", "node-3"]);
    const stoppedAddress = await nodeContact("node-1");
    const loading = load();
    await new Promise((r) => setTimeout(r, STOP_AFTER_MS));
    node("node-1").child.kill("SIGTERM");
    assert.equal(await node("node-1").exited, 0);
    const stoppedAt = Date.now();
    const loaded = await loading;
    assert.deepEqual(loaded.failures, []);
    assert.equal(loaded.subscriptions.length, loaded.registrations.length);
    const handedOver = loaded.registrations.filter((id) => taggedNode(id) === "node-1");
    assert.ok(handedOver.length > 0, "node-1 had created registrations before it stopped");
    await until(
      `${handedOver.length} registrations of node-1 registered again`,
      stoppedAt + 10_000,
      registeredElsewhere(handedOver, stoppedAddress),
    );
    t.diagnostic(
      `${loaded.registrations.length} registrations and ${loaded.subscriptions.length} subscriptions acknowledged; ` +
        `${handedOver.length} of node-1 registered again ${Date.now() - stoppedAt} ms after it stopped`,
    );
    await assertReadable(loaded, [node("node-2").baseUrl, node("node-3").baseUrl, balancer.baseUrl]);
  });
});
