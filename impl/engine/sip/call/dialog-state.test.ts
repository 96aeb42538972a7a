import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONFIRMED } from "../testing/leg-states.ts";
import { parseLegState } from "./dialog-state.ts";

/** The state as the store gives it back: JSON, without the undefined members. */
const stored = (state: unknown) => JSON.parse(JSON.stringify(state)) as unknown;

describe("parseLegState: a persisted call leg read back (restart recovery)", () => {
  it("reads back the state it wrote, the undefined members included", () => {
    assert.deepEqual(stored(parseLegState(stored(CONFIRMED))), stored(CONFIRMED));
    const early = {
      ...CONFIRMED,
      status: "Ringing",
      confirmed: false,
      dialog: undefined,
      sessionTimer: undefined,
      pendingInvite: {
        ruri: "sip:x@y",
        fromUri: "sip:a@y",
        fromTag: "f",
        toUri: "sip:x@y",
        cseq: 1,
        branch: "z9hG4bK1",
      },
    };
    assert.deepEqual(stored(parseLegState(stored(early))), stored(early));
  });

  const cases: Array<[string, unknown]> = [
    ["not an object", "a string"],
    ["null", null],
    ["another format version", { ...CONFIRMED, version: 2 }],
    ["no Call-ID", { ...CONFIRMED, callId: undefined }],
    ["an unknown status", { ...CONFIRMED, status: "Dancing" }],
    ["an unknown direction", { ...CONFIRMED, direction: "sideways" }],
    ["a dialog without its remote tag", { ...CONFIRMED, dialog: { ...CONFIRMED.dialog, remoteTag: 7 } }],
    ["a negative CSeq", { ...CONFIRMED, dialog: { ...CONFIRMED.dialog, localSequenceNumber: -1 } }],
    [
      "a route set that is not a list of strings",
      { ...CONFIRMED, dialog: { ...CONFIRMED.dialog, routeSet: "x" } },
    ],
    ["an SDP that is not text", { ...CONFIRMED, sdp: { ...CONFIRMED.sdp, local: 42 } }],
    ["a session timer of 0 s", { ...CONFIRMED, sessionTimer: { deltaSec: 0, weRefresh: true } }],
    ["a pending INVITE without its branch", { ...CONFIRMED, pendingInvite: { ruri: "sip:x@y", cseq: 1 } }],
    ["an unanswered INVITE without its text", { ...CONFIRMED, unansweredInvite: { toTag: "t" } }],
  ];
  for (const [what, json] of cases)
    it(`refuses a state with ${what}`, () => {
      assert.equal(parseLegState(stored(json)), undefined);
    });
});
