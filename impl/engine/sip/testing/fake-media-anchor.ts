import { EngineError } from "../../engine-error.ts";
import type { MediaAnchor, MediaLeg } from "../../media-anchor.ts";

type Operation = "offer" | "answer";
type Match = (operation: Operation, leg: MediaLeg, sdp: string) => boolean;

/**
 * A media anchor for fault tests: passes SDP through unchanged (as the default anchor does) unless
 * told to fail or to hold a request, and records every request. Used by the unit tests of the call
 * legs and, injected through the sip-lab harness, by the sip tier, which runs without rtpengine.
 */
export interface FakeMediaAnchor extends MediaAnchor {
  /** Every request in order: `offer network <mediaSessionId>`, `answer device …`, `delete <Call-ID>`. */
  readonly requests: string[];
  /**
   * Matching offers and answers reject with `error` (default: rtpengine did not answer, as
   * impl/engine/media/to-engine-error.ts reports it).
   */
  failWhen(match: Match, error?: Error): { stop(): void };
  /**
   * Matching offers and answers wait until `release()`; `reached` resolves when the first one
   * arrives. Released requests then pass or fail as the other rules say.
   */
  holdWhen(match: Match): { readonly reached: Promise<void>; release(): void };
  /** Resolves once `delete` has been asked for this Call-ID `times` times in all. */
  deleted(callId: string, times?: number): Promise<void>;
}

export const anchorTimeout = () =>
  new EngineError("network_unreachable", "media anchor offer failed (rtpengine offer: timeout)");

export function fakeMediaAnchor(): FakeMediaAnchor {
  const requests: string[] = [];
  const failures: Array<{ match: Match; error: Error }> = [];
  const holds: Array<{ match: Match; gate: Promise<void>; arrived: () => void }> = [];
  const deleteWaiters = new Set<() => void>();
  const rewrite = async (operation: Operation, leg: MediaLeg, sdp: string) => {
    requests.push(`${operation} ${leg.from} ${leg.mediaSessionId}`);
    for (const hold of holds)
      if (hold.match(operation, leg, sdp)) {
        hold.arrived();
        await hold.gate;
      }
    const failure = failures.find((f) => f.match(operation, leg, sdp));
    if (failure) throw failure.error;
    return sdp;
  };
  return {
    requests,
    offer: (leg, sdp) => rewrite("offer", leg, sdp),
    answer: (leg, sdp) => rewrite("answer", leg, sdp),
    async delete(callId) {
      requests.push(`delete ${callId}`);
      for (const wake of [...deleteWaiters]) wake();
    },
    failWhen(match, error = anchorTimeout()) {
      const rule = { match, error };
      failures.push(rule);
      return { stop: () => void failures.splice(failures.indexOf(rule), 1) };
    },
    holdWhen(match) {
      let release: () => void = () => undefined;
      let arrived: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const reached = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      holds.push({ match, gate, arrived });
      return { reached, release };
    },
    deleted(callId, times = 1) {
      const count = () => requests.filter((r) => r === `delete ${callId}`).length;
      if (count() >= times) return Promise.resolve();
      return new Promise((resolve) => {
        const wake = () => {
          if (count() < times) return;
          deleteWaiters.delete(wake);
          resolve();
        };
        deleteWaiters.add(wake);
      });
    },
  };
}
