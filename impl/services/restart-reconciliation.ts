import type { Logger } from "pino";
import { TERMINAL_STATUSES } from "../contract/terminal-statuses.ts";
import type { Engine, UnfinishedSession } from "../engine/engine.ts";
import type { SessionRecord, Store } from "../store/index.ts";
import type { CallService } from "./call-service.ts";
import type { Clock } from "./clock.ts";
import { lostSessionStatus } from "./lost-session-status.ts";
import type { RegistrationService } from "./registration-service.ts";

export interface RestartReconciliationOptions {
  readonly store: Store;
  readonly registrations: RegistrationService;
  readonly calls: CallService;
  /** The engine's part: which unfinished sessions it still carries (see Engine.recoverSession). */
  readonly engine: Pick<Engine, "recoverSession">;
  readonly clock: Clock;
  /**
   * The re-REGISTERs of the restored registrations are spread evenly over this window, ms: the k-th
   * of N goes out at k × spreadMs / N, so the registrar sees N / spreadMs requests per ms, not a burst.
   */
  readonly registrationSpreadMs: number;
  /** First retry after the network could not be reached, ms (default 2000), doubling up to 60 s. */
  readonly retryBaseMs?: number;
  readonly newCorrelator: () => string;
  readonly logger: Logger;
  /**
   * Whether this process answers for the resource at start-up (default: yes). A cluster node
   * (impl/cluster) answers for what it carried and what no live node carries; another live node's
   * registrations and calls are left to it.
   */
  readonly answersFor?: (kind: "registration" | "session", id: string) => Promise<boolean>;
}

/** The outcome of the first attempt at each registration (retries go on in the background). */
export interface RestoredRegistrations {
  readonly restored: number;
  readonly ended: number;
  readonly retrying: number;
}

export interface RestartReconciliation {
  /** Resolves with the number of sessions ended, once every unfinished session was looked at. */
  readonly sessions: Promise<number>;
  /** Resolves once every active registration had its first re-REGISTER. */
  readonly registrations: Promise<RestoredRegistrations>;
  /** Cancels the re-REGISTERs still to come (shutdown). */
  stop(): void;
}

const MAX_RETRY_MS = 60_000;

/**
 * Start-up reconciliation: the store outlives the process, the SIP state (registration bindings,
 * call legs) does not. At start-up:
 * - every unfinished session is offered to the engine (`recoverSession`, the seam a later dialog
 *   persistence fills); those it does not carry end with {@link lostSessionStatus}, through the call
 *   service, so their session-status event goes out and their session-status subscriptions end;
 * - every registration still active is registered with the network again, spread over
 *   `registrationSpreadMs`; a refusal ends it with registration-ends, an unreachable network is
 *   retried until the registration expires (then the sweep ends it).
 */
export function startRestartReconciliation(options: RestartReconciliationOptions): RestartReconciliation {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const later = (delayMs: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) run();
    }, delayMs);
    timer.unref();
    timers.add(timer);
  };
  return {
    sessions: endLostSessions(options),
    registrations: restoreRegistrations(options, later),
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

async function endLostSessions(options: RestartReconciliationOptions): Promise<number> {
  const { store } = options;
  const unfinished = await store.sessions.listUnfinished([...TERMINAL_STATUSES]);
  let ended = 0;
  for (const record of unfinished) {
    if (options.answersFor && !(await options.answersFor("session", record.mediaSessionId))) continue;
    if ((await settleSession(options, record)) === "ended") ended += 1;
  }
  return ended;
}

/**
 * Settles one session whose call leg lived in a process that is gone (this one before a restart, or
 * a dead cluster node): the engine resumes it (Engine.recoverSession) or it ends with
 * {@link lostSessionStatus} through the call service, with its events.
 */
export async function settleSession(
  options: Pick<RestartReconciliationOptions, "calls" | "engine" | "newCorrelator" | "logger">,
  record: SessionRecord,
): Promise<"resumed" | "ended" | "failed"> {
  const { calls, engine, logger } = options;
  const session: UnfinishedSession = {
    mediaSessionId: record.mediaSessionId,
    registrationId: record.registrationId,
    direction: record.direction,
    status: record.info.status ?? "Initial",
  };
  const correlator = options.newCorrelator();
  const log = logger.child({ correlator, mediaSessionId: session.mediaSessionId });
  try {
    const outcome = (await engine.recoverSession?.(session)) ?? lostSessionStatus(session);
    if (outcome.kind === "resumed") {
      log.info({ status: session.status }, "session carried on after the restart");
      return "resumed";
    }
    await calls.sessionChanged(
      { mediaSessionId: session.mediaSessionId, status: outcome.status, reason: outcome.reason },
      correlator,
    );
    log.info(
      { from: session.status, status: outcome.status },
      "session ended at start-up: its call leg is gone",
    );
    return "ended";
  } catch (err) {
    log.error({ err }, "could not end a session left unfinished by the previous process");
    return "failed";
  }
}

function restoreRegistrations(
  options: RestartReconciliationOptions,
  later: (delayMs: number, run: () => void) => void,
): Promise<RestoredRegistrations> {
  const { registrations, logger } = options;
  const retryBaseMs = options.retryBaseMs ?? 2000;
  const attempt = async (
    registrationId: string,
    retryMs: number,
  ): Promise<"restored" | "ended" | "gone" | "retry"> => {
    const correlator = options.newCorrelator();
    const log = logger.child({ correlator, registrationId });
    const outcome = await registrations.restore(registrationId, correlator).catch((err: unknown) => {
      log.error({ err }, "could not restore a registration");
      return "retry" as const;
    });
    if (outcome === "retry") {
      log.warn(
        { retryInMs: retryMs },
        "the network could not be reached to restore a registration; retrying",
      );
      later(retryMs, () => void attempt(registrationId, Math.min(retryMs * 2, MAX_RETRY_MS)));
    } else log.info({ outcome }, "registration restored after the restart");
    return outcome;
  };
  const listed = options.store.registrations.listActiveAt(options.clock.now().toISOString());
  return listed.then(async (all) => {
    const active = [];
    for (const record of all)
      if (!options.answersFor || (await options.answersFor("registration", record.registrationId)))
        active.push(record);
    const gapMs = active.length > 1 ? options.registrationSpreadMs / active.length : 0;
    const firsts = active.map(
      (record, k) =>
        new Promise<Awaited<ReturnType<typeof attempt>>>((resolve) =>
          later(k * gapMs, () => void attempt(record.registrationId, retryBaseMs).then(resolve)),
        ),
    );
    return Promise.all(firsts).then((outcomes) => ({
      restored: outcomes.filter((o) => o === "restored").length,
      ended: outcomes.filter((o) => o === "ended").length,
      retrying: outcomes.filter((o) => o === "retry").length,
    }));
  });
}
