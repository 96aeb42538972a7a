import type { Engine, EngineListener } from "../engine.ts";
import type { OfflineConfig } from "./offline-config.ts";

/**
 * The engine used when no SIP network is configured (`ENGINE=offline`): registrations are kept by
 * the gateway alone, as in trunk mode, and every outgoing call ends as NotReachable, announced
 * through the same path a SIP failure takes. It lets the HTTP face, auth, store and events run
 * without Kamailio; it never pretends a call was connected.
 */
export function createOfflineEngine(listener: EngineListener, options: Partial<OfflineConfig> = {}): Engine {
  const pending = new Set<NodeJS.Timeout>();
  const NOT_REACHABLE = "No SIP network is configured (ENGINE=offline)";
  return {
    registrations: {
      register: async () => undefined,
      refresh: async () => undefined,
      unregister: async () => undefined,
    },
    calls: {
      async originate(request) {
        const timer = setTimeout(() => {
          pending.delete(timer);
          void listener.sessionChanged({
            mediaSessionId: request.mediaSessionId,
            status: "NotReachable",
            reason: NOT_REACHABLE,
            correlator: request.correlator,
          });
        }, 0);
        pending.add(timer);
      },
      update: async () => undefined,
      terminate: async () => undefined,
    },
    // An outgoing call accepted just before the previous process died (kill -9) never heard its
    // NotReachable: it ends now as it would have then. Anything else is left to the caller's policy.
    async recoverSession(session) {
      return session.direction === "originating"
        ? { kind: "ended", status: "NotReachable", reason: NOT_REACHABLE }
        : undefined;
    },
    // Emergency originates are accepted like any other, and end NotReachable like any other,
    // unless the operator turned them off (EMERGENCY_CALLS=off).
    emergencyCalls: options.emergencyCalls ?? true,
    ready: () => true,
    async close() {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
    },
  };
}
