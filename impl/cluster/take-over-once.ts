import type { ClaimedResource } from "./node-registry.ts";

/**
 * The takeover of each resource run once at a time on this node, whoever asks for it (the failover
 * sweep, an API request or an in-dialog SIP request for a dead node's call): a second asker while it
 * runs waits for the same one, so a call is never rebuilt twice.
 */
export function takeOverOnce(run: (resource: ClaimedResource) => Promise<unknown>) {
  const running = new Map<string, Promise<unknown>>();
  return {
    takeOver(resource: ClaimedResource): Promise<unknown> {
      const current = running.get(resource.resourceId);
      if (current) return current;
      const started = run(resource).finally(() => running.delete(resource.resourceId));
      running.set(resource.resourceId, started);
      return started;
    },
    /** The takeover of the resource under way, if any. */
    running(resourceId: string): Promise<unknown> | undefined {
      return running.get(resourceId);
    },
  };
}
