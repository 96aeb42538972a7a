import { ConfigError } from "../config/config.ts";

/**
 * Several gateway processes as one (README "Running several gateways"): each is a node with a lease
 * in PostgreSQL; the node that created a registration's binding or a call leg carries its SIP state,
 * and the others hand it their engine requests over the internal channel.
 */
export interface ClusterConfig {
  /** NODE_ID: this node's name, unique in the cluster (letters, digits, `-`, `_`, `.`). */
  readonly nodeId: string;
  /** CLUSTER_SECRET: the key the nodes sign internal requests with (HMAC-SHA256), ≥ 32 characters. */
  readonly secret: string;
  /** CLUSTER_INTERNAL_HOST / CLUSTER_INTERNAL_PORT: where the internal channel listens. */
  readonly internalHost: string;
  readonly internalPort: number;
  /** CLUSTER_INTERNAL_URL: how the other nodes reach it; default http://host:port. */
  readonly internalUrl: string;
  /** CLUSTER_LEASE_MS: a node silent this long is dead and its resources are taken over; default 6000. */
  readonly leaseMs: number;
  /** The lease is renewed every leaseMs / 3. */
  readonly heartbeatMs: number;
}

/**
 * Reads the cluster settings; undefined when NODE_ID is not set (one gateway alone). A cluster needs
 * STORE=postgres (the nodes share it) and a secret.
 */
export function readClusterConfig(env: NodeJS.ProcessEnv = process.env): ClusterConfig | undefined {
  const nodeId = env.NODE_ID ?? "";
  if (nodeId === "") return undefined;
  const problems: string[] = [];
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(nodeId))
    problems.push(`NODE_ID=${nodeId} must be 1 to 64 letters, digits, '.', '-' or '_'.`);
  if ((env.STORE ?? "sqlite") !== "postgres")
    problems.push("NODE_ID needs STORE=postgres: the nodes of a cluster share one PostgreSQL database.");
  const secret = env.CLUSTER_SECRET ?? "";
  if (secret.length < 32)
    problems.push(
      "CLUSTER_SECRET must be set to at least 32 characters shared by every node (e.g. openssl rand -hex 32).",
    );
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    const value = raw === undefined || raw === "" ? fallback : Number(raw);
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    problems.push(`${name}=${raw} must be an integer from ${min} to ${max}.`);
    return fallback;
  };
  const internalHost = env.CLUSTER_INTERNAL_HOST || "127.0.0.1";
  const internalPort = int("CLUSTER_INTERNAL_PORT", 9190, 1, 65535);
  const leaseMs = int("CLUSTER_LEASE_MS", 6000, 900, 600_000);
  const internalUrl =
    env.CLUSTER_INTERNAL_URL ||
    `http://${internalHost.includes(":") ? `[${internalHost}]` : internalHost}:${internalPort}`;
  try {
    const url = new URL(internalUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
  } catch {
    problems.push(`CLUSTER_INTERNAL_URL=${internalUrl} must be an http(s) URL the other nodes can reach.`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    nodeId,
    secret,
    internalHost,
    internalPort,
    internalUrl: internalUrl.replace(/\/$/, ""),
    leaseMs,
    heartbeatMs: Math.floor(leaseMs / 3),
  };
}
