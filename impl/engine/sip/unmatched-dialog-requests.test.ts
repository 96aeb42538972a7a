import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PersistedDialog } from "../dialog-state-store.ts";
import { silentLogger } from "../engine.ts";
import type { IncomingRequestMessage } from "./sip-core.ts";
import { RETRY_AFTER_SEC, unmatchedDialogRequests } from "./unmatched-dialog-requests.ts";

const request = (callId: string, method: string) => ({ callId, method }) as IncomingRequestMessage;

function setUp(answer: (mediaSessionId: string) => Promise<"here" | "elsewhere">, inCluster = true) {
  const rows = new Map<string, PersistedDialog>([
    ["call-1", { mediaSessionId: "m1", callId: "call-1", state: {}, updatedAt: "2029-01-01T00:00:00Z" }],
  ]);
  const asked: string[] = [];
  const outcome: string[] = [];
  const unmatched = unmatchedDialogRequests({
    dialogs: {
      get: async () => undefined,
      put: async () => undefined,
      delete: async () => false,
      findByCallId: async (callId) => rows.get(callId),
    },
    carryDialog: () =>
      inCluster
        ? (id) => {
            asked.push(id);
            return answer(id);
          }
        : undefined,
    deliver: (m) => void outcome.push(`core ${m.method}`),
    refuse: (m, retryAfterSec) => void outcome.push(`500 ${m.method} Retry-After: ${retryAfterSec}`),
    logger: silentLogger,
  });
  const settled = () => new Promise((resolve) => setTimeout(resolve, 10));
  return { unmatched, asked, outcome, settled };
}

describe("in-dialog requests matching no dialog of this process", () => {
  it("hands the request to the core once this node carries the call (taken over), which then matches it", async () => {
    const { unmatched, asked, outcome, settled } = setUp(async () => "here");
    assert.equal(unmatched.handler()?.(request("call-1", "INVITE")), true);
    await settled();
    assert.deepEqual(asked, ["m1"]);
    assert.deepEqual(outcome, ["core INVITE"]);
  });

  it("answers 500 with Retry-After, never 481, when a live node carries the call", async () => {
    const { unmatched, outcome, settled } = setUp(async () => "elsewhere");
    unmatched.handler()?.(request("call-1", "BYE"));
    await settled();
    assert.deepEqual(outcome, [`500 BYE Retry-After: ${RETRY_AFTER_SEC}`]);
  });

  it("leaves a request for a dialog the store does not know to the core (481 as always), asking no node", async () => {
    const { unmatched, asked, outcome, settled } = setUp(async () => "here");
    unmatched.handler()?.(request("call-unknown", "BYE"));
    await settled();
    assert.deepEqual(asked, []);
    assert.deepEqual(outcome, ["core BYE"]);
  });

  it("answers 500 with Retry-After when the cluster cannot tell (the database failed)", async () => {
    const { unmatched, outcome, settled } = setUp(async () => {
      throw new Error("database down");
    });
    unmatched.handler()?.(request("call-1", "INVITE"));
    await settled();
    assert.deepEqual(outcome, [`500 INVITE Retry-After: ${RETRY_AFTER_SEC}`]);
  });

  it("makes one decision for the requests of a Call-ID arriving while it is made (a retransmission, a BYE), then hands them over in order", async () => {
    let decide: (verdict: "here") => void = () => undefined;
    const { unmatched, asked, outcome, settled } = setUp(
      () => new Promise<"here">((resolve) => (decide = resolve)),
    );
    const handler = unmatched.handler();
    handler?.(request("call-1", "INVITE"));
    await settled();
    handler?.(request("call-1", "INVITE"));
    handler?.(request("call-1", "BYE"));
    await settled();
    assert.deepEqual(outcome, []);
    decide("here");
    await settled();
    assert.deepEqual(asked, ["m1"], "one takeover");
    assert.deepEqual(outcome, ["core INVITE", "core INVITE", "core BYE"]);
  });

  it("has no handler when not in a cluster: the core answers as always", () => {
    const { unmatched } = setUp(async () => "here", false);
    assert.equal(unmatched.handler(), undefined);
  });
});
