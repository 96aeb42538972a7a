/**
 * A cluster of real gateway processes (impl/server.ts) for the call failover tests: PostgreSQL,
 * Kamailio with the nodes' SIP addresses as its dispatcher set (scripts/lab/gateway-nodes-cfg.ts),
 * N nodes on fixed SIP ports, haproxy in front of their APIs; events go to the caller's HTTPS sink.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { ensureDevCa } from "../../../scripts/dev-ca/dev-ca.ts";
import { freePort } from "../../../scripts/lab/free-port.ts";
import { type HaproxyLab, startHaproxy } from "../../../scripts/lab/haproxy.ts";
import { type Lab, startLab } from "../../../scripts/lab/lab.ts";
import { type PostgresLab, startPostgres } from "../../../scripts/lab/postgres.ts";
import { fromRoot } from "../../../scripts/lib/paths.ts";
import { type SpawnedGateway, spawnGateway } from "../../testing/spawn-gateway.ts";
import { ALL_SCOPES } from "../../testing/test-gateway.ts";

export const REGISTRATIONS = "/webrtc-registration/v0.3/sessions";
export const SESSIONS = "/webrtc-call-handling/v0.3/sessions";
export const SUBSCRIPTIONS = "/webrtc-events/v0.2/subscriptions";
export const EVENTS = "org.camaraproject.webrtc-events.v0";

/** A SIPp scenario of impl/cluster/testing/scenarios, or of the SIP engine's restart tests. */
export const clusterScenario = (name: string) =>
  fileURLToPath(new URL(`./scenarios/${name}`, import.meta.url));
export const sipScenario = (name: string) =>
  fileURLToPath(new URL(`../../engine/sip/testing/scenarios/${name}`, import.meta.url));

export interface SipCluster {
  readonly lab: Lab;
  readonly balancer: HaproxyLab;
  readonly nodes: SpawnedGateway[];
  /** Node i's SIP port (its Contact and Via). */
  readonly sipPorts: readonly number[];
  /** The shared database, for the ownership the tests look at. */
  readonly pool: pg.Pool;
  /** Starts node i again (same NODE_ID, API, SIP and internal ports) after it died or stopped. */
  respawn(i: number): Promise<void>;
  /** The node id carrying a resource's SIP state, and whether its lease is current. */
  owner(resourceId: string): Promise<{ nodeId: string; alive: boolean } | undefined>;
  /** An API request through `base` (a node's or the balancer's URL) with a token for `phone`. */
  api(
    base: string,
    method: string,
    path: string,
    phone: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/** A JSON body, or a balancer's own page (haproxy's 502/503 are HTML) kept as `{ text }`. */
const parseBody = (text: string): Record<string, unknown> => {
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { text };
  }
};

export async function startSipCluster(options: {
  readonly nodes: number;
  readonly leaseMs: number;
  readonly credentials: ReadonlyMap<string, string>;
  /** The port of the HTTPS sink (on 127.0.0.1, the development CA's certificate) events may go to. */
  readonly sinkPort: number;
}): Promise<SipCluster> {
  const dir = mkdtempSync(join(tmpdir(), "call-failover-"));
  const sipPorts: number[] = [];
  while (sipPorts.length < options.nodes) {
    const port = await freePort();
    if (!sipPorts.includes(port)) sipPorts.push(port);
  }
  // CLUSTER_LOGS_DIR=<dir>: the lab's folder (kamailio.log, the dispatcher list) is kept there.
  const logsDir = process.env.CLUSTER_LOGS_DIR;
  const lab = await startLab({
    credentials: options.credentials,
    gatewayNodes: sipPorts.map((port) => `sip:gw@127.0.0.1:${port};transport=tcp`),
    ...(logsDir ? { dir: mkdtempSync(join(logsDir, "lab-")), keepDir: true } : {}),
  });
  const postgres: PostgresLab = await startPostgres();
  const databaseUrl = await postgres.createDatabase("failover");
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  // The database stops after the tests: an idle connection's end then is no failure of theirs.
  pool.on("error", () => undefined);
  const ca = ensureDevCa(fromRoot("data", "dev-ca"));
  const credentialsFile = join(dir, "credentials.json");
  writeFileSync(credentialsFile, JSON.stringify(Object.fromEntries(options.credentials)));
  const balancerPort = await freePort();
  const secret = randomBytes(32).toString("hex");
  const envs: Array<Record<string, string>> = [];
  for (const [i, sipPort] of sipPorts.entries())
    envs.push({
      ...lab.gatewayEnv("tcp", credentialsFile),
      SIP_LOCAL_PORT: String(sipPort),
      STORE: "postgres",
      DATABASE_URL: databaseUrl,
      NODE_ID: `node-${i}`,
      CLUSTER_SECRET: secret,
      CLUSTER_INTERNAL_PORT: String(await freePort()),
      CLUSTER_LEASE_MS: String(options.leaseMs),
      DATA_DIR: join(dir, `node-${i}`),
      DEV_ISSUER_KEY_FILE: join(dir, "dev-issuer-key.json"),
      DEV_ISSUER_URL: `http://127.0.0.1:${balancerPort}/dev-issuer`,
      DEV_CA_DIR: ca.dir,
      DEV_PHONE_NUMBERS: [...options.credentials.keys()].join(","),
      EVENT_SINK_ALLOWLIST: `127.0.0.1:${options.sinkPort}`,
      EVENT_RETRY_BASE_MS: "100",
      EVENT_RETRY_MAX_MS: "1000",
      PORT: String(await freePort()),
    });
  const nodes: SpawnedGateway[] = [];
  for (const env of envs) nodes.push(await spawnGateway(env));
  const balancer = await startHaproxy({
    port: balancerPort,
    backends: nodes.map((n, i) => ({ name: `node-${i}`, port: Number(new URL(n.baseUrl).port) })),
  });
  // Tokens from node-0's issuer, signed with the key every node shares: valid on all, after its death too.
  const tokens = new Map<string, string>();
  for (const phone of options.credentials.keys())
    tokens.set(phone, await (nodes[0] as SpawnedGateway).token(phone, ALL_SCOPES));

  return {
    lab,
    balancer,
    nodes,
    sipPorts,
    pool,
    async respawn(i) {
      nodes[i] = await spawnGateway(envs[i] as Record<string, string>);
    },
    async owner(resourceId) {
      const { rows } = await pool.query<{ node_id: string; alive: boolean | null }>(
        `SELECT o.node_id, n.lease_until > now() AS alive FROM cluster_ownership o
           LEFT JOIN cluster_nodes n ON n.node_id = o.node_id WHERE o.resource_id = $1`,
        [resourceId],
      );
      const row = rows[0];
      return row ? { nodeId: row.node_id, alive: row.alive === true } : undefined;
    },
    async api(base, method, path, phone, body, headers = {}) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${tokens.get(phone)}`,
          "content-type": "application/json",
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: parseBody(text) };
    },
    async stop() {
      for (const node of nodes) if (node.child.exitCode === null) node.child.kill("SIGKILL");
      await Promise.all(nodes.map((n) => n.exited));
      await balancer.stop();
      await pool.end();
      await postgres.close();
      await lab.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
