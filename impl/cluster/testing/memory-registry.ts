import type { NodeRegistry, Owner } from "../node-registry.ts";

/**
 * A registry in memory for unit tests: owners by resource, and which nodes are alive (a fence takes
 * a node out of `alive`; `fenced` records whom).
 */
export function memoryRegistry(self: string, alive: Set<string>) {
  const owners = new Map<string, string>();
  const fenced: string[] = [];
  const registry: NodeRegistry = {
    nodeId: self,
    heartbeat: async () => false,
    async fence(node, lease) {
      if (!alive.has(node) || lease !== `lease-${node}`) return false;
      alive.delete(node);
      fenced.push(node);
      return true;
    },
    resign: async () => undefined,
    handedOver: async () => true,
    async owner(id): Promise<Owner> {
      const node = owners.get(id);
      if (!node) return { kind: "none" };
      if (node === self) return { kind: "self" };
      return alive.has(node)
        ? { kind: "alive", nodeId: node, internalUrl: `http://${node}`, lease: `lease-${node}` }
        : { kind: "dead", nodeId: node };
    },
    async own(id) {
      owners.set(id, self);
    },
    async claim(id) {
      const node = owners.get(id);
      if (node && node !== self && alive.has(node)) return false;
      owners.set(id, self);
      return true;
    },
    async release(id) {
      if (owners.get(id) === self) owners.delete(id);
    },
    carries: async (id) => owners.get(id) === self,
    claimFromDeadNodes: async () => [],
    forgetDeadNodes: async () => [],
  };
  return { registry, owners, fenced };
}
