import { ApiError } from "camara-webrtc-runtime";
import type { MediaSessionInformation, SessionRecord, Store } from "../store/index.ts";
import type { Clock } from "./clock.ts";
import type { EventPublisher } from "./event-publisher.ts";

/** Reads, changes and conditional writes of one change at most, before it fails with 409 ABORTED. */
export const ATTEMPTS = 5;

/**
 * Changes to a session's stored representation, each announced as session-status. Changes to one
 * session are serialised: a network event arriving while a client PUT waits for the engine can
 * neither reuse a sequenceNumber nor be overwritten. In one process by a chain per session; across
 * gateway nodes sharing the store by a compare-and-set on the sequenceNumber
 * (`store.sessions.putIfSequence`): a change that lost the race to another node is applied again to
 * the session as that node left it, and announced with the next number.
 */
export interface SessionChanges {
  /**
   * Applies `change` to the session's latest stored representation, bumps its sequenceNumber and
   * announces it. A `change` returning undefined leaves the session as it is (the stored record is
   * returned); an unknown session resolves undefined.
   */
  publish(
    mediaSessionId: string,
    change: (info: MediaSessionInformation) => MediaSessionInformation | undefined,
    correlator: string,
  ): Promise<SessionRecord | undefined>;
  /** The stored record once every change queued before this call is applied. */
  settled(mediaSessionId: string): Promise<SessionRecord | undefined>;
}

/**
 * Runs `run` while no other gateway node runs one for the same key (impl/cluster/cluster-exclusive.ts).
 * One process alone needs none: its chains already serialise the changes of a session.
 */
export type Exclusive = <T>(key: string, run: () => Promise<T>) => Promise<T>;

export function createSessionChanges(deps: {
  readonly store: Store;
  readonly events: EventPublisher;
  readonly clock: Clock;
  /**
   * Across gateway nodes: a change and its announcement run under it, so that a change another node
   * makes next is announced after this one (the compare-and-set alone keeps the numbers unique, but
   * the later number could reach the outbox first).
   */
  readonly exclusive?: Exclusive;
}): SessionChanges {
  const { store, events, clock } = deps;
  const exclusive: Exclusive = deps.exclusive ?? ((_key, run) => run());
  /** Per-session chains, so that concurrent changes to one session apply one after the other. */
  const chains = new Map<string, Promise<unknown>>();

  async function announce(next: SessionRecord, correlator: string): Promise<void> {
    // The data is r2.2's (webrtc-events v0.2), which has no callType or location; r3.1's
    // notifications take locationDetails beside it (event-view-r3-1.ts).
    const { status, callType: _callType, locationDetails, ...rest } = next.info;
    await events.publish({
      type: "org.camaraproject.webrtc-events.v0.session-status",
      registrationId: next.registrationId,
      mediaSessionId: next.mediaSessionId,
      ...(next.deviceId ? { device: { owner: next.owner, deviceId: next.deviceId } } : {}),
      correlator,
      ...(locationDetails ? { locationDetails } : {}),
      data: { ...rest, mediaSessionId: next.mediaSessionId, status: status ?? "Initial" },
    });
  }

  function publish(
    mediaSessionId: string,
    change: (info: MediaSessionInformation) => MediaSessionInformation | undefined,
    correlator: string,
  ): Promise<SessionRecord | undefined> {
    const run = async () => {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const record = await store.sessions.get(mediaSessionId);
        if (!record) return undefined;
        const changed = change(record.info);
        if (!changed) return record;
        const sequenceNumber = record.info.sequenceNumber ?? 0;
        const next: SessionRecord = {
          ...record,
          info: { ...changed, sequenceNumber: sequenceNumber + 1 },
          updatedAt: clock.now().toISOString(),
        };
        // Another node changed the session since the read: apply the change to its version.
        if (!(await store.sessions.putIfSequence(next, sequenceNumber))) continue;
        await announce(next, correlator);
        return next;
      }
      throw new ApiError(
        "ABORTED",
        `The media session changed concurrently ${ATTEMPTS} times while this change was applied; try again`,
      );
    };
    const guarded = () => exclusive(`session:${mediaSessionId}`, run);
    const result = (chains.get(mediaSessionId) ?? Promise.resolve()).then(guarded, guarded);
    const tail = result.catch(() => undefined);
    chains.set(mediaSessionId, tail);
    void tail.then(() => {
      if (chains.get(mediaSessionId) === tail) chains.delete(mediaSessionId);
    });
    return result;
  }

  return {
    publish,
    settled: (mediaSessionId) =>
      (chains.get(mediaSessionId) ?? Promise.resolve()).then(() => store.sessions.get(mediaSessionId)),
  };
}
