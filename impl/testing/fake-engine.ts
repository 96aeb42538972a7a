import type { Engine, EngineListener } from "../engine/engine.ts";
import { EngineError, type EngineFailure } from "../engine/engine-error.ts";

/**
 * A scripted engine for unit and in-process tests only: records every request, and fails the next
 * ones with a chosen EngineFailure when told to. The real engine is impl/engine/sip.
 */
export function createFakeEngine() {
  const calls: { method: string; request: unknown }[] = [];
  let failure: EngineFailure | undefined;
  let listener: EngineListener | undefined;
  const record = (method: string) => async (request: unknown) => {
    calls.push({ method, request });
    if (failure) throw new EngineError(failure, `scripted ${failure}`);
  };
  let emergencyCalls = true;
  const engine: Engine = {
    get emergencyCalls() {
      return emergencyCalls;
    },
    registrations: {
      register: record("register"),
      refresh: record("refresh"),
      unregister: record("unregister"),
    },
    calls: { originate: record("originate"), update: record("update"), terminate: record("terminate") },
    ready: () => true,
    close: async () => undefined,
  };
  return {
    factory: (l: EngineListener) => {
      listener = l;
      return engine;
    },
    calls,
    /** Whether the engine says it places emergency calls (default true). */
    placeEmergencyCalls(places: boolean) {
      emergencyCalls = places;
    },
    failWith(next: EngineFailure | undefined) {
      failure = next;
    },
    get listener(): EngineListener {
      if (!listener) throw new Error("engine not created");
      return listener;
    },
  };
}
