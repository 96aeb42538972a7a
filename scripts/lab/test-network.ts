import { freePort } from "./free-port.ts";
import type { Lab } from "./lab.ts";
import { runSipp, type SippRun } from "./sipp.ts";

/**
 * The callees of a SIP test network, by the behaviour the conformance suite's @sip call flows expect
 * of them (`testNetwork.callees` of a target configuration), as E.164 numbers.
 */
export interface TestNetworkCallees {
  /** Rings (180), then answers (200 with SDP); takes re-INVITE/UPDATE, CANCEL, BYE. */
  readonly answers: string;
  /** Rings, then 486 Busy Here (CAMARA status Busy). */
  readonly busy: string;
  /** Rings and never answers: the caller's CANCEL gets 200 and 487 (NoAnswer from the gateway's timer). */
  readonly noAnswer: string;
  /** Rings, then 603 Decline (Declined). */
  readonly declines: string;
  /** Rings, then 500 Server Internal Error (Failed). */
  readonly fails: string;
  /** Routed nowhere: the lab proxy answers 404 Not Found (NotReachable). */
  readonly notReachable: string;
}

/** The numbers of conformance/config/local.yaml (`testNetwork.callees`). */
export const DEFAULT_CALLEES: TestNetworkCallees = {
  answers: "+34600000003",
  busy: "+34600000486",
  noAnswer: "+34600000408",
  declines: "+34600000603",
  fails: "+34600000500",
  notReachable: "+34600000404",
};

export interface TestNetworkOptions {
  /** Numbers per behaviour; `tel:` URIs are accepted. Default {@link DEFAULT_CALLEES}. */
  readonly callees?: Partial<TestNetworkCallees>;
  /** Calls each callee serves before its SIPp exits (SIPp -m); default 300. */
  readonly maxCalls?: number;
  /** Hard bound of each callee's SIPp, ms: set it to the length of the test; default 20 minutes. */
  readonly timeoutMs?: number;
  /** How long "noAnswer" rings before giving up with 480 when no CANCEL comes, ms; default 120 000. */
  readonly noAnswerGiveUpMs?: number;
}

/** What one callee's SIPp did, once stopped. */
export interface CalleeOutcome {
  readonly behaviour: keyof TestNetworkCallees;
  readonly number: string;
  /** SIPp's exit code (null when it was killed by a signal: the usual end of a long-lived callee). */
  readonly code: number | null;
  /** SIPp's error log (unexpected messages, aborted calls), for a look when a flow went wrong. */
  readonly errors: string;
}

export interface TestNetwork {
  readonly callees: TestNetworkCallees;
  /** Stops every callee and says what each did. */
  stop(): Promise<CalleeOutcome[]>;
}

type Served = Exclude<keyof TestNetworkCallees, "notReachable">;
const SERVED: readonly Served[] = ["answers", "busy", "declines", "fails", "noAnswer"];

/** The SIPp scenario (scripts/lab/scenarios) and template values of a callee with an endpoint. */
function endpointOf(
  behaviour: Served,
  giveUpMs: number,
): { scenario: string; template?: Record<string, string | number> } {
  switch (behaviour) {
    case "answers":
      return { scenario: "net-answer.xml" };
    case "busy":
      return { scenario: "net-reject.xml", template: { code: 486, reason: "Busy Here" } };
    case "declines":
      return { scenario: "net-reject.xml", template: { code: 603, reason: "Decline" } };
    case "fails":
      return { scenario: "net-reject.xml", template: { code: 500, reason: "Server Internal Error" } };
    case "noAnswer":
      return { scenario: "net-no-answer.xml", template: { give_up_ms: giveUpMs } };
  }
}

/** `tel:+34600000003` or `+34600000003` → `+34600000003` (the Request-URI user the proxy routes on). */
export function numberOf(address: string): string {
  return address.replace(/^tel:/i, "").replace(/[-.()]/g, "");
}

/**
 * Starts a SIP test network behind the lab's Kamailio: one long-lived, lenient SIPp UAS per
 * behaviour, each serving many calls (bounded by `maxCalls` and `timeoutMs`), routed by
 * `lab.setPeer`. `notReachable` gets no endpoint: a number neither registered nor routed is
 * answered 404 by the lab proxy. Unlike the sip tier's scenarios, these check nothing of the
 * gateway's messages: they play the far end of every call flow, in whatever order it comes.
 */
export async function startTestNetwork(lab: Lab, options: TestNetworkOptions = {}): Promise<TestNetwork> {
  const callees: TestNetworkCallees = Object.fromEntries(
    Object.entries({ ...DEFAULT_CALLEES, ...options.callees }).map(([k, v]) => [k, numberOf(v)]),
  ) as unknown as TestNetworkCallees;
  const giveUpMs = options.noAnswerGiveUpMs ?? 120_000;
  const runs: { behaviour: Served; run: SippRun }[] = [];
  const stop = async (): Promise<CalleeOutcome[]> => {
    for (const { run } of runs) run.stop();
    return Promise.all(
      runs.map(async ({ behaviour, run }) => {
        const result = await run.done;
        return { behaviour, number: callees[behaviour], code: result.code, errors: result.errors };
      }),
    );
  };
  try {
    for (const behaviour of SERVED) {
      const { scenario, template } = endpointOf(behaviour, giveUpMs);
      const port = await freePort();
      const run = runSipp({
        scenario,
        remote: `127.0.0.1:${lab.sipPort}`,
        transport: "tcp",
        localPort: port,
        calls: options.maxCalls ?? 300,
        ...(template ? { template } : {}),
        timeoutMs: options.timeoutMs ?? 20 * 60_000,
      });
      runs.push({ behaviour, run });
      await run.ready;
      await lab.setPeer(callees[behaviour], `sip:127.0.0.1:${port};transport=tcp`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { callees, stop };
}
