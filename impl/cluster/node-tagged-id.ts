import { randomUUID } from "node:crypto";

/**
 * The ids a cluster node gives the resources it creates: a UUID, a dot, then its NODE_ID
 * (`5f0c…e1.node-1`). The specs leave the ids' form to the implementation (a string, at most 256
 * characters in r3.1). The balancer reads the node from the path, so a request for a registration or
 * a call lands on the node that holds its SIP state and is not forwarded (scripts/lab/haproxy.ts);
 * when that node is down the balancer picks any other, which asks the registry who holds it now.
 */
export function nodeTaggedId(nodeId: string): () => string {
  return () => `${randomUUID()}.${nodeId}`;
}

const TAGGED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.([A-Za-z0-9._-]{1,64})$/;

/** The NODE_ID an id of {@link nodeTaggedId} names; undefined for any other id. */
export function taggedNode(id: string): string | undefined {
  return TAGGED.exec(id)?.[1];
}
