import type { Logger } from "pino";
import { TERMINAL_STATUSES } from "../contract/terminal-statuses.ts";
import type { Engine } from "../engine/engine.ts";
import type { Store } from "../store/index.ts";
import type { CallService } from "./call-service.ts";
import type { RegistrationService } from "./registration-service.ts";
import { settleSession } from "./restart-reconciliation.ts";

export interface TakeOverOptions {
  readonly store: Store;
  readonly registrations: RegistrationService;
  readonly calls: CallService;
  readonly engine: Pick<Engine, "recoverSession">;
  readonly newCorrelator: () => string;
  readonly logger: Logger;
  /** Delay between attempts at a registration the network could not be reached for, ms (default 2000). */
  readonly retryMs?: number;
}

/** How many times a registration whose REGISTER found no network is tried again. */
const ATTEMPTS = 5;

/**
 * What a cluster node does with the registrations and calls it took over from a dead node
 * (impl/cluster): each registration is registered with the network again from this node, so the
 * registrar's binding names a live node (a refusal ends it with registration-ends, as after a
 * restart); each unfinished call is resumed by the engine or ended with its events. Resources that
 * ended meanwhile are left alone.
 */
export async function takeOver(
  options: TakeOverOptions,
  resource: { readonly kind: "registration" | "session"; readonly resourceId: string },
): Promise<"restored" | "ended" | "gone" | "resumed" | "retry" | "failed"> {
  const log = options.logger.child({
    [resource.kind === "registration" ? "registrationId" : "mediaSessionId"]: resource.resourceId,
  });
  if (resource.kind === "session") {
    const record = await options.store.sessions.get(resource.resourceId);
    if (!record || TERMINAL_STATUSES.has(record.info.status ?? "Initial")) return "gone";
    return settleSession(options, record);
  }
  for (let attempt = 1; ; attempt++) {
    const correlator = options.newCorrelator();
    const outcome = await options.registrations
      .restore(resource.resourceId, correlator)
      .catch((err: unknown) => {
        log.error({ err, correlator }, "could not take a registration over");
        return "retry" as const;
      });
    // No record yet, the first time: a node records that it holds a new registration before the
    // registration itself is stored, so a node stopping or dying in between leaves an ownership row
    // whose record may still be committed (a request it was serving). Looked at once more later.
    const maybeNotYetStored = outcome === "gone" && attempt === 1;
    if ((outcome !== "retry" && !maybeNotYetStored) || attempt >= ATTEMPTS) {
      log.info({ outcome, correlator }, "registration taken over from a dead node");
      return outcome;
    }
    await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 2000));
  }
}
