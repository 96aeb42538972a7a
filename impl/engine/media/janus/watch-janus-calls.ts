import type { JanusCall } from "./janus-call.ts";
import type { JanusMessage, LazyJanusConnection } from "./janus-connection.ts";

/**
 * Keeps the anchor's calls in step with Janus: events of a call's session go to `onEvent` (a timed
 * out session is forgotten), a closed WebSocket forgets every call, and each session gets a keepalive
 * every `keepaliveMs`. Returns the keepalive timer, for close.
 */
export function watchJanusCalls(
  api: LazyJanusConnection,
  calls: Map<string, JanusCall>,
  options: {
    readonly keepaliveMs?: number | undefined;
    readonly onEvent?: ((event: JanusMessage, mediaSessionId: string) => void) | undefined;
  },
): NodeJS.Timeout {
  api.onEvent((event) => {
    const sessionId = typeof event.session_id === "number" ? event.session_id : undefined;
    const id = [...calls].find(([, call]) => call.sessionId === sessionId)?.[0];
    if (id === undefined) return;
    // Janus timed the session out (no keepalive reached it): nothing is left to release.
    if (event.janus === "timeout") calls.delete(id);
    options.onEvent?.(event, id);
  });
  // A closed WebSocket leaves its sessions to Janus: destroyed at once with reclaim_session_timeout 0,
  // else kept that long for a restarted gateway to claim (janus-call.ts) or reclaim.
  api.onClose(() => calls.clear());
  const keepalive = setInterval(() => {
    for (const call of calls.values()) {
      if (call.sessionId === undefined) continue;
      const session_id = call.sessionId;
      void api
        .get()
        .then((c) => c.request({ janus: "keepalive", session_id }))
        .catch(() => undefined);
    }
  }, options.keepaliveMs ?? 25_000);
  keepalive.unref();
  return keepalive;
}
