import type { Server } from "node:http";
import type { Pool } from "pg";
import { migrate } from "../store/postgres-migrations.ts";
import type { ClusterConfig } from "./cluster-config.ts";
import { CLUSTER_MIGRATIONS } from "./cluster-migrations.ts";
import {
  createInternalClient,
  createInternalServer,
  type InternalClient,
  type InternalHandler,
} from "./internal-channel.ts";
import { type ClaimedResource, createNodeRegistry, type NodeRegistry } from "./node-registry.ts";
import { takeOverOnce } from "./take-over-once.ts";

export interface ClusterLog {
  info(detail: Record<string, unknown>, message: string): void;
  warn(detail: Record<string, unknown>, message: string): void;
}

/**
 * Resources claimed per query of the failover sweep. A batch is taken over at once (REGISTERs,
 * dialogs rebuilt, events) before the next is claimed: small enough that the node's event loop (its
 * heartbeat, the requests it serves) is not held up, and that the survivors sweeping together
 * share a dead node's resources rather than the first taking them all (the acceptance run once saw
 * 69 against 1 with batches of 100, and the busy survivor let its own lease lapse).
 */
const CLAIM_BATCH = 20;

/**
 * One gateway process as a cluster node: its lease (renewed every heartbeatMs), the internal channel
 * other nodes forward engine requests through, and the failover sweep that, on each heartbeat,
 * claims the registrations and calls of nodes whose lease expired and hands each to `takeOver`.
 */
export interface ClusterNode {
  readonly registry: NodeRegistry;
  readonly client: InternalClient;
  /** Whether the last successful renewal is younger than the lease. */
  leaseCurrent(): boolean;
  /** Whether it takes new requests: its lease is current and it has not given it up (/readyz). */
  accepting(): boolean;
  /** Counts the times the lease lapsed before it was renewed (see ClusterEngineOptions.leaseGeneration). */
  leaseGeneration(): number;
  /** Serves forwarded requests, takes the lease and starts the heartbeat and the failover sweep. */
  start(handle: InternalHandler, takeOver: (resource: ClaimedResource) => Promise<unknown>): Promise<void>;
  /**
   * Gives the lease up (graceful stop, first thing): the others stop handing requests to this node
   * and take its registrations and calls over at once. It still serves what reaches it meanwhile,
   * and resolves once they took everything (or after a lease at most), so that its calls always
   * have a node to answer for them.
   */
  resign(): Promise<void>;
  /**
   * Takes a resource this node has just claimed over, as the sweep does (once at a time per
   * resource: take-over-once.ts); rejects before {@link start}.
   */
  takeOver(resource: ClaimedResource): Promise<unknown>;
  /** The takeover of the resource under way on this node, if any (a request for it waits for it). */
  takingOver(resourceId: string): Promise<unknown> | undefined;
  /** Stops the heartbeat, the sweep and the internal channel. */
  stop(): Promise<void>;
}

export async function openClusterNode(
  pool: Pool,
  config: ClusterConfig,
  log: ClusterLog,
  /** The store's group commit, which the ownership writes join (see createNodeRegistry). */
  write?: (op: string) => Promise<unknown>,
): Promise<ClusterNode> {
  await migrate(pool, CLUSTER_MIGRATIONS);
  const registry = createNodeRegistry(pool, { ...config, ...(write ? { write } : {}) });
  const client = createInternalClient({
    nodeId: config.nodeId,
    secret: config.secret,
    timeoutMs: config.leaseMs,
  });
  let renewedAt = 0;
  let generation = 0;
  let timer: NodeJS.Timeout | undefined;
  let server: Server | undefined;
  let sweeping: Promise<void> = Promise.resolve();
  let takeOvers: ReturnType<typeof takeOverOnce> | undefined;

  const sweep = async (once: ReturnType<typeof takeOverOnce>) => {
    for (;;) {
      const claimed = await registry.claimFromDeadNodes(CLAIM_BATCH);
      if (claimed.length === 0) break;
      log.info(
        { count: claimed.length, from: [...new Set(claimed.map((c) => c.from))] },
        "taking over from dead nodes",
      );
      await Promise.all(claimed.map((resource) => once.takeOver(resource)));
      // The timers due meanwhile (the heartbeat first) run before the next batch is claimed.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const forgotten = await registry.forgetDeadNodes();
    if (forgotten.length > 0)
      log.info({ nodes: forgotten }, "dead nodes forgotten: nothing of theirs is left");
  };

  let resigned = false;
  return {
    registry,
    client,
    leaseCurrent: () => Date.now() - renewedAt < config.leaseMs,
    accepting: () => !resigned && Date.now() - renewedAt < config.leaseMs,
    leaseGeneration: () => generation,
    takeOver: (resource) =>
      takeOvers
        ? takeOvers.takeOver(resource)
        : Promise.reject(new Error("the cluster node is not started yet")),
    takingOver: (resourceId) => takeOvers?.running(resourceId),
    async start(handle, takeOver) {
      const once = takeOverOnce(takeOver);
      takeOvers = once;
      server = createInternalServer({ secret: config.secret, handle });
      await new Promise<void>((resolve, reject) => {
        server?.once("error", reject);
        server?.listen(config.internalPort, config.internalHost, () => resolve());
      });
      await registry.heartbeat();
      renewedAt = Date.now();
      const tick = () => {
        const started = Date.now();
        registry.heartbeat().then(
          (lapsed) => {
            // Ended by another node (a refused connection made it think this one dead, README
            // "Running several gateways"), or expired: what this node held may be another's now.
            if (lapsed) log.warn({ nodeId: config.nodeId }, "the cluster lease had lapsed; taken again");
            if (lapsed || started - renewedAt >= config.leaseMs) generation += 1;
            renewedAt = started;
          },
          (err: unknown) => log.warn({ err }, "could not renew the cluster lease"),
        );
        // One sweep at a time: a slow takeover must not overlap the next tick's.
        sweeping = sweeping
          .then(() => sweep(once))
          .catch((err: unknown) => log.warn({ err }, "failover sweep failed"));
      };
      timer = setInterval(tick, config.heartbeatMs);
      timer.unref();
      log.info(
        { nodeId: config.nodeId, internalUrl: config.internalUrl, leaseMs: config.leaseMs },
        "cluster node started",
      );
    },
    async resign() {
      // /readyz answers 503 from now on, so the balancer stops sending new requests here.
      resigned = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await sweeping;
      await registry.resign().catch((err: unknown) => log.warn({ err }, "could not give the lease up"));
      const deadline = Date.now() + config.leaseMs;
      while (Date.now() < deadline && !(await registry.handedOver().catch(() => true)))
        await new Promise((resolve) => setTimeout(resolve, 100));
    },
    async stop() {
      if (timer) clearInterval(timer);
      await sweeping;
      await client.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
