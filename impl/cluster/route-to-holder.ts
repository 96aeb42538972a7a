import { EngineError } from "../engine/engine-error.ts";
import { connectionRefused, type ForwardedOperation, type InternalClient } from "./internal-channel.ts";
import type { ClaimedResource, NodeRegistry, ResourceKind } from "./node-registry.ts";

/**
 * The cluster engine's routing of a request for a registration or call (cluster-engine.ts): here,
 * or forwarded to the node holding its SIP state.
 */
export function routeToHolder(options: {
  readonly registry: NodeRegistry;
  readonly client: Pick<InternalClient, "forward">;
  /** Takes over a resource claimed from a dead node (ClusterEngineOptions.takeOver). */
  readonly takeOver: (resource: ClaimedResource) => Promise<unknown>;
  /** The takeover of a resource under way on this node, if any (ClusterEngineOptions.takingOver). */
  readonly takingOver: (resourceId: string) => Promise<unknown> | undefined;
  readonly warn: (message: string, detail: Record<string, unknown>) => void;
  /** Whether this node knows it holds the resource (held-resources.ts). */
  readonly holds: (resourceId: string) => boolean;
  /** Remembers a resource this node has just claimed. */
  readonly claimed: (resourceId: string) => void;
}) {
  const { registry, client, holds, claimed } = options;
  /**
   * Runs `here` when this node holds (or just claimed and took over) the resource, else has its
   * holder run it. A holder refusing the connection is gone (nothing listens on its internal port):
   * its lease is ended at once (NodeRegistry.fence) and the resource claimed here; any other failure
   * to reach it (a timeout: a slow node may be alive) leaves the lease rule to decide.
   */
  return async function route(
    resourceId: string,
    kind: ResourceKind,
    operation: ForwardedOperation,
    request: unknown,
    here: () => Promise<void>,
  ): Promise<void> {
    // A call this node is rebuilding (its sweep or another request took it over) is controlled
    // once rebuilt: before, its leg does not exist yet and the request would be refused. Not for a
    // registration: its takeover's REGISTER comes through this route itself.
    if (kind === "session") await options.takingOver(resourceId)?.catch(() => undefined);
    if (holds(resourceId)) return here();
    let unreachable = false;
    for (let attempt = 0; attempt < 3; attempt++) {
      const owner = await registry.owner(resourceId);
      if (owner.kind === "alive") {
        try {
          return await client.forward(owner.internalUrl, operation, request);
        } catch (error) {
          if (!(error instanceof EngineError) || error.failure !== "network_unreachable") throw error;
          if (connectionRefused(error)) {
            if (await registry.fence(owner.nodeId, owner.lease))
              options.warn("a node refused connections: its lease is ended (fenced)", {
                nodeId: owner.nodeId,
              });
          } else if (unreachable) throw error;
          // A node that stopped or died since the lookup: its lease tells, the next turn claims.
          unreachable = true;
          continue;
        }
      }
      if (owner.kind === "self") return here();
      if (await registry.claim(resourceId, kind)) {
        if (owner.kind === "dead") await options.takeOver({ resourceId, kind, from: owner.nodeId });
        claimed(resourceId);
        return here();
      }
      // Another live node claimed it between the two queries: ask again, then forward to it.
    }
    return here();
  };
}
