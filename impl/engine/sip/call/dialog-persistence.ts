import type { DialogStateStore } from "../../dialog-state-store.ts";
import type { EngineLogger } from "../../engine.ts";
import type { LegState } from "./dialog-state.ts";

/** What persisting a call leg reads of it. */
export interface PersistedLeg {
  readonly mediaSessionId: string;
  readonly callId: string;
  readonly terminated: boolean;
  readonly logger: EngineLogger;
  /** The state a new process needs to carry the call on. */
  snapshot(): LegState;
}

/** Writes each call leg's state (CallLeg.snapshot) to the store while the call lasts. */
export interface DialogPersistence {
  /** The leg changed: its state is written once this turn of the event loop is over. */
  changed(leg: PersistedLeg): void;
  /** The leg ended: its row goes. */
  ended(leg: PersistedLeg): void;
  /** A leg rebuilt from its row at start-up (recover-dialog.ts): the row goes when it ends. */
  adopted(leg: PersistedLeg): void;
}

/**
 * The changes of one turn of the event loop make one write per leg (a 2xx that confirms the dialog
 * and reports Connected is one row), queued with the store's other writes (its group commit). A
 * failed write is logged and the call goes on: only a restart would miss it.
 */
export function persistDialogs(store: DialogStateStore, logger: EngineLogger): DialogPersistence {
  const pending = new Set<PersistedLeg>();
  const written = new Set<string>();
  let scheduled = false;
  const failed = (leg: PersistedLeg, what: string) => (error: unknown) =>
    leg.logger.warn(`${what} the dialog state failed: ${String(error)}`);
  const flush = () => {
    scheduled = false;
    const now = new Date().toISOString();
    for (const leg of pending) {
      if (leg.terminated) continue;
      written.add(leg.mediaSessionId);
      const state = leg.snapshot() as unknown as Readonly<Record<string, unknown>>;
      store
        .put({ mediaSessionId: leg.mediaSessionId, callId: leg.callId, state, updatedAt: now })
        .catch(failed(leg, "writing"));
    }
    pending.clear();
  };
  return {
    changed(leg) {
      pending.add(leg);
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        try {
          flush();
        } catch (error) {
          logger.error(`persisting dialog states failed: ${String(error)}`);
        }
      });
    },
    adopted(leg) {
      written.add(leg.mediaSessionId);
    },
    ended(leg) {
      pending.delete(leg);
      if (!written.delete(leg.mediaSessionId)) return;
      store.delete(leg.mediaSessionId).catch(failed(leg, "deleting"));
    },
  };
}
