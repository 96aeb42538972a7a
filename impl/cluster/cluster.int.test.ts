/**
 * Three real gateway processes (impl/server.ts) as one cluster on a private PostgreSQL, behind
 * haproxy, registering at the lab's Kamailio: any node answers for any registration (the node
 * holding the SIP binding carries the request out), and a node's registrations move to the
 * survivors when it is killed (SIGKILL: its lease expires) or stopped (SIGTERM: it gives the lease up).
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

const REGISTRATIONS = "/webrtc-registration/v0.3/sessions";
const LEASE_MS = 3000;

const until = async (what: string, deadline: number, check: () => Promise<boolean>) => {
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("several gateways as one (NODE_ID, PostgreSQL, haproxy, Kamailio registrar)", () => {
  let dir: string;
  let lab: Lab;
  let postgres: PostgresLab;
  let balancer: HaproxyLab;
  let token = "";
  const nodes: SpawnedGateway[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "cluster-"));
    lab = await startLab({ credentials: new Map([[ALICE, "alice-secret"]]) });
    postgres = await startPostgres();
    const databaseUrl = await postgres.createDatabase("cluster");
    const credentialsFile = join(dir, "credentials.json");
    writeFileSync(credentialsFile, JSON.stringify({ [ALICE]: "alice-secret" }));
    const ca = ensureDevCa(fromRoot("data", "dev-ca"));
    const balancerPort = await freePort();
    const secret = randomBytes(32).toString("hex");
    for (let i = 0; i < 3; i++) {
      nodes.push(
        await spawnGateway({
          ...lab.gatewayEnv("tcp", credentialsFile),
          STORE: "postgres",
          DATABASE_URL: databaseUrl,
          NODE_ID: `node-${i}`,
          CLUSTER_SECRET: secret,
          CLUSTER_INTERNAL_PORT: String(await freePort()),
          CLUSTER_LEASE_MS: String(LEASE_MS),
          DATA_DIR: join(dir, `node-${i}`),
          DEV_ISSUER_KEY_FILE: join(dir, "dev-issuer-key.json"),
          DEV_ISSUER_URL: `http://127.0.0.1:${balancerPort}/dev-issuer`,
          DEV_CA_DIR: ca.dir,
          DEV_PHONE_NUMBERS: ALICE,
        }),
      );
    }
    balancer = await startHaproxy({
      port: balancerPort,
      backends: nodes.map((n, i) => ({ name: `node-${i}`, port: Number(new URL(n.baseUrl).port) })),
    });
    token = (await nodes[0]?.token(ALICE, ALL_SCOPES)) ?? "";
  });
  after(async () => {
    for (const node of nodes) if (node.child.exitCode === null) node.child.kill("SIGKILL");
    await Promise.all(nodes.map((n) => n.exited));
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
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const node = (i: number) => nodes[i] as SpawnedGateway;
  const register = async (base: string) => {
    const res = await api(base, "POST", REGISTRATIONS, { deviceId: randomUUID() });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return String(res.body.registrationId);
  };
  /** The registrar's contact lines for one registration (its rid). */
  const bindings = async (registrationId: string) =>
    (await lab.registrations(ALICE)).split("\n").filter((line) => line.includes(`rid=${registrationId}`));
  const binding = async (registrationId: string) => (await bindings(registrationId))[0];

  it("carries out a refresh and a deletion on the node holding the binding, whichever node gets them", async () => {
    const id = await register(node(0).baseUrl);
    assert.ok(await binding(id), "registered at Kamailio by node-0");
    const refreshed = await api(node(1).baseUrl, "PUT", `${REGISTRATIONS}/${id}`, {});
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    const deleted = await api(node(2).baseUrl, "DELETE", `${REGISTRATIONS}/${id}`);
    assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
    // node-2 has no binding of its own for it: only node-0 can remove the one Kamailio holds.
    await until("the binding to go", Date.now() + 5000, async () => (await binding(id)) === undefined);
  });

  it("registers a killed node's registrations again from a survivor within 10 s, and serves them through the balancer", async () => {
    const id = await register(node(0).baseUrl);
    const before = await binding(id);
    assert.ok(before);
    node(0).child.kill("SIGKILL");
    await node(0).exited;
    const killedAt = Date.now();
    // The survivor's REGISTER adds its own Contact and removes the dead node's (RFC 3261 §10.2.2), so
    // calls no longer fork to an address nobody answers on.
    await until("only a survivor's binding", killedAt + 10_000, async () => {
      const now = await bindings(id);
      return now.length === 1 && now[0] !== before;
    });
    const refreshed = await api(balancer.baseUrl, "PUT", `${REGISTRATIONS}/${id}`, {});
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    const deleted = await api(balancer.baseUrl, "DELETE", `${REGISTRATIONS}/${id}`);
    assert.equal(deleted.status, 204);
    await until("the binding to go", Date.now() + 5000, async () => (await binding(id)) === undefined);
  });

  it("hands a stopped node's registrations over at once (SIGTERM), with no request through the balancer failing", async () => {
    const id = await register(node(1).baseUrl);
    const before = await binding(id);
    assert.ok(before);
    const failures: string[] = [];
    let requests = 0;
    const load = (async () => {
      const deadline = Date.now() + 4000;
      while (Date.now() < deadline && requests < 400) {
        requests += 1;
        const res = await api(balancer.baseUrl, "PUT", `${REGISTRATIONS}/${id}`, {}).catch((e: Error) => ({
          status: 0,
          body: { message: e.message },
        }));
        if (res.status !== 200) failures.push(`${res.status} ${JSON.stringify(res.body)}`);
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    node(1).child.kill("SIGTERM");
    assert.equal(await node(1).exited, 0);
    const stoppedAt = Date.now();
    await load;
    // A survivor registered it again: a binding naming another node than the stopped one's.
    await until("a survivor's binding", stoppedAt + 5000, async () =>
      (await bindings(id)).some((line) => line !== before),
    );
    assert.ok(requests > 10, `requests made: ${requests}`);
    assert.deepEqual(failures, []);
  });
});
