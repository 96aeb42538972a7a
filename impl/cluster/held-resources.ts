import type { NodeRegistry, ResourceKind } from "./node-registry.ts";

/**
 * What this node knows it holds, so that a request for it costs no query; trusted only while the
 * lease is current and has not lapsed since (a lapsed node's resources may have moved).
 */
export function heldResources(options: {
  readonly registry: NodeRegistry;
  readonly leaseCurrent: () => boolean;
  readonly leaseGeneration: () => number;
  readonly warn: (message: string, detail: Record<string, unknown>) => void;
}) {
  const { registry } = options;
  const held = new Set<string>();
  let heldGeneration = options.leaseGeneration();
  return {
    /** Whether this node knows it holds the resource. */
    holds(resourceId: string): boolean {
      if (options.leaseGeneration() !== heldGeneration) {
        held.clear();
        heldGeneration = options.leaseGeneration();
      }
      return options.leaseCurrent() && held.has(resourceId);
    },
    /** Records in the registry that this node holds a new resource, and remembers it. */
    async hold(resourceId: string, kind: ResourceKind): Promise<void> {
      await registry.own(resourceId, kind);
      held.add(resourceId);
    },
    /** Remembers a resource this node has just claimed. */
    claimed(resourceId: string): void {
      held.add(resourceId);
    },
    /** Forgets a resource and releases it in the registry, best effort. */
    forget(resourceId: string): void {
      held.delete(resourceId);
      void registry
        .release(resourceId)
        .catch((err: unknown) => options.warn("could not release a resource", { err, resourceId }));
    },
  };
}
