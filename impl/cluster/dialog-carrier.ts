import type { InternalClient } from "./internal-channel.ts";
import type { ClaimedResource, NodeRegistry } from "./node-registry.ts";

export interface DialogCarrierOptions {
  readonly registry: NodeRegistry;
  readonly client: Pick<InternalClient, "ping">;
  /** Takes a just-claimed call over (the sweep's path: its dialog rebuilt from the store). */
  readonly takeOver: (resource: ClaimedResource) => Promise<unknown>;
  /** The takeover of a resource under way on this node, if any. */
  readonly takingOver: (resourceId: string) => Promise<unknown> | undefined;
  /** Remembers a resource this node has just claimed (held-resources.ts). */
  readonly claimed: (resourceId: string) => void;
  readonly warn: (message: string, detail: Record<string, unknown>) => void;
}

/**
 * EngineListener.carryDialog for a cluster node: an in-dialog request reached this node for a call
 * whose dialog it does not carry. Whose call it is decides:
 * - this node's (a takeover under way: waited for), or no live node's (dead, none, or its internal
 *   channel refuses connections: the process is gone, its lease is ended, fence) → claimed, taken
 *   over, `here`: the request goes to the rebuilt dialog;
 * - a live node's (its lease runs and it answers, or it does not answer in time: a timeout is no
 *   proof of death) → `elsewhere`: refused for a retry, never 481 (RFC 3261 §12.2.1.2: "If the
 *   response for a request within a dialog is a 481 (Call/Transaction Does Not Exist) or a 408
 *   (Request Timeout), the UAC SHOULD terminate the dialog").
 */
export function dialogCarrier(options: DialogCarrierOptions) {
  const { registry, client } = options;
  return async function carryDialog(mediaSessionId: string): Promise<"here" | "elsewhere"> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const owner = await registry.owner(mediaSessionId);
      if (owner.kind === "self") {
        await options.takingOver(mediaSessionId);
        return "here";
      }
      if (owner.kind === "alive") {
        // A kept-alive connection closed by the death can fail once without a refusal: asked twice.
        let probe = await client.ping(owner.internalUrl);
        if (probe === "unsure") probe = await client.ping(owner.internalUrl);
        if (probe !== "refused") return "elsewhere";
        if (await registry.fence(owner.nodeId, owner.lease))
          options.warn("a node refused connections: its lease is ended (fenced)", { nodeId: owner.nodeId });
        continue;
      }
      // Lost to another node claiming it meanwhile: asked again, it is that node's now.
      if (!(await registry.claim(mediaSessionId, "session"))) continue;
      await options.takeOver({
        resourceId: mediaSessionId,
        kind: "session",
        from: owner.kind === "dead" ? owner.nodeId : "",
      });
      options.claimed(mediaSessionId);
      return "here";
    }
    return "elsewhere";
  };
}
