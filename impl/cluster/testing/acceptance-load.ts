/**
 * The clients of the cluster's acceptance run (impl/cluster/cluster-load.int.test.ts). Each client,
 * through the balancer, turn after turn: registers a device of its own, subscribes (webrtc-events
 * r3.1, keyed by that device) to its session-status events with the client's own sink path, and in
 * its first turns places a call with that registration to a number a SIPp callee answers; then waits
 * 250 ms. Bounded: `turns` per client, and no turn past the call turns starts after `loadMs`.
 */
import { randomUUID } from "node:crypto";
import { deviceSdp } from "../../engine/sip/testing/call-steps.ts";
import { REGISTRATIONS, SESSIONS, type SipCluster } from "./sip-cluster.ts";

export const SUBSCRIPTIONS_R3_1 = "/webrtc-events/v0.3rc1/subscriptions";
export const SESSION_STATUS = "org.camaraproject.webrtc-events.v0.session-status";

export interface LoadPlan {
  /** The subscriber every client acts for (its token's phone number). */
  readonly phone: string;
  readonly clients: number;
  /** Turns per client, at most. */
  readonly turns: number;
  /** The first this many turns of each client also place a call; they run whatever the time. */
  readonly callTurns: number;
  /** No later turn starts after this long. */
  readonly loadMs: number;
  /** The number client c calls in turn t (routed to a SIPp callee beforehand). */
  number(client: number, turn: number): string;
  /** The sink URL of client c's subscriptions. */
  sink(client: number): string;
}

/** A status and sequenceNumber the API showed for a session. */
export interface Acknowledged {
  readonly status: string;
  readonly sequenceNumber: number | undefined;
}

export interface LoadedCall {
  readonly id: string;
  readonly client: number;
  readonly turn: number;
  readonly number: string;
  readonly registrationId: string;
  /** What the API answered about this session, in the order it answered. */
  readonly acknowledged: Acknowledged[];
}

export interface LoadResult {
  /** Acknowledged registrations, with when (epoch ms). */
  readonly registrations: Array<{ readonly id: string; readonly at: number }>;
  readonly subscriptions: Array<{ readonly id: string; readonly client: number }>;
  readonly calls: LoadedCall[];
  /** Requests that did not get their success status: "what: status body". */
  readonly failures: string[];
}

/** What the API shows of a session in a response body, if it shows a status. */
export const acknowledgedIn = (body: Record<string, unknown>): Acknowledged | undefined =>
  typeof body.status === "string"
    ? {
        status: body.status,
        sequenceNumber: typeof body.sequenceNumber === "number" ? body.sequenceNumber : undefined,
      }
    : undefined;

/** Starts the clients: `result` fills as they go, `done` resolves once every client has finished its turns. */
export function startAcceptanceLoad(
  cluster: SipCluster,
  plan: LoadPlan,
): { readonly result: LoadResult; readonly done: Promise<void> } {
  const result: LoadResult = { registrations: [], subscriptions: [], calls: [], failures: [] };
  const deadline = Date.now() + plan.loadMs;
  const attempt = async (
    what: string,
    path: string,
    body: unknown,
    want: number,
    headers: Record<string, string> = {},
  ) => {
    const res = await cluster
      .api(cluster.balancer.baseUrl, "POST", path, plan.phone, body, headers)
      .catch((e: Error) => ({ status: 0, body: { message: e.message } as Record<string, unknown> }));
    if (res.status === want) return res.body;
    result.failures.push(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return undefined;
  };
  const client = async (c: number) => {
    for (let turn = 0; turn < plan.turns && (turn < plan.callTurns || Date.now() < deadline); turn++) {
      const deviceId = randomUUID();
      const registration = await attempt("register", REGISTRATIONS, { deviceId }, 200);
      if (!registration) continue;
      const registrationId = String(registration.registrationId);
      result.registrations.push({ id: registrationId, at: Date.now() });
      const subscription = await attempt(
        "subscribe",
        SUBSCRIPTIONS_R3_1,
        {
          protocol: "HTTP",
          sink: plan.sink(c),
          types: [SESSION_STATUS],
          config: { subscriptionDetail: { deviceId } },
        },
        201,
      );
      if (subscription) result.subscriptions.push({ id: String(subscription.id), client: c });
      if (turn < plan.callTurns && subscription) {
        const number = plan.number(c, turn);
        const offer = { sdp: deviceSdp(40000 + 2 * (c * plan.callTurns + turn)) };
        const call = await attempt(
          `call ${number}`,
          SESSIONS,
          { receiverAddress: `tel:${number}`, offer },
          201,
          { registrationId },
        );
        if (call) {
          const acknowledged = acknowledgedIn(call);
          result.calls.push({
            id: String(call.mediaSessionId),
            client: c,
            turn,
            number,
            registrationId,
            acknowledged: acknowledged ? [acknowledged] : [],
          });
        }
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const done = Promise.all(Array.from({ length: plan.clients }, (_, c) => client(c))).then(() => undefined);
  return { result, done };
}

/** Runs `task` over `items` with at most `width` at once. */
export async function inParallel<T>(items: readonly T[], width: number, task: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}
