import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  nextOfferAnswerState,
  OfferAnswer,
  type OfferAnswerEvent,
  type OfferAnswerState,
  offerRefusal,
} from "./offer-answer.ts";

const idle: OfferAnswerState = { name: "idle" };
const local: OfferAnswerState = { name: "local-offer" };
const remote: OfferAnswerState = { name: "remote-offer", in: "UPDATE" };
const anchoring: OfferAnswerState = { name: "anchoring-answer" };
const states = { idle, local, remote, anchoring };

const events: Record<OfferAnswerEvent["name"], OfferAnswerEvent> = {
  "offer-sent": { name: "offer-sent" },
  "answer-received": { name: "answer-received" },
  "answer-anchored": { name: "answer-anchored" },
  "offer-ended": { name: "offer-ended" },
  "offer-received": { name: "offer-received", in: "re-INVITE" },
  "answer-sent": { name: "answer-sent" },
  "offer-dropped": { name: "offer-dropped" },
};

/** Every cell: [state, event, next state or "refused", the rule]. */
const table: Array<[keyof typeof states, OfferAnswerEvent["name"], OfferAnswerState | "refused", string]> = [
  ["idle", "offer-sent", local, "RFC 3264 §4: either agent MAY generate a new offer"],
  ["idle", "answer-received", "refused", "RFC 3264 §2: an answer is sent in response to an offer"],
  ["idle", "answer-anchored", "refused", "no answer is in the anchor"],
  ["idle", "offer-ended", "refused", "no offer of ours is pending"],
  ["idle", "offer-received", { name: "remote-offer", in: "re-INVITE" }, "RFC 3264 §4"],
  ["idle", "answer-sent", "refused", "no offer is owed an answer"],
  ["idle", "offer-dropped", "refused", "no offer is owed an answer"],
  ["local", "offer-sent", "refused", "RFC 3264 §4: MUST NOT generate a new offer before the answer"],
  ["local", "answer-received", anchoring, "RFC 3264 §4: the answer goes to the anchor first"],
  ["local", "answer-anchored", "refused", "the answer has not arrived"],
  ["local", "offer-ended", idle, "RFC 3261 §14.1: a refused offer leaves the session unchanged"],
  ["local", "offer-received", "refused", "RFC 3311 §5.2: 491 while our offer awaits its answer"],
  ["local", "answer-sent", "refused", "we owe no answer"],
  ["local", "offer-dropped", "refused", "we owe no answer"],
  ["remote", "offer-sent", "refused", "RFC 3264 §4: MUST NOT offer with an offer unanswered"],
  ["remote", "answer-received", "refused", "we made no offer"],
  ["remote", "answer-anchored", "refused", "we made no offer"],
  ["remote", "offer-ended", "refused", "we made no offer"],
  ["remote", "offer-received", "refused", "RFC 3311 §5.2: 500 while an answer is owed"],
  ["remote", "answer-sent", idle, "RFC 3264 §4: the exchange is complete"],
  ["remote", "offer-dropped", idle, "RFC 3261 §14.2: a rejected offer leaves the session unchanged"],
  ["anchoring", "offer-sent", "refused", "RFC 3264 §4: one exchange at a time in the anchor"],
  ["anchoring", "answer-received", "refused", "one answer per offer"],
  ["anchoring", "answer-anchored", idle, "the exchange is complete"],
  ["anchoring", "offer-ended", "refused", "the answer arrived"],
  ["anchoring", "offer-received", "refused", "RFC 3261 §14.2: 500 while the last exchange completes"],
  ["anchoring", "answer-sent", "refused", "we owe no answer"],
  ["anchoring", "offer-dropped", "refused", "we owe no answer"],
];

describe("offer/answer state of a call leg (RFC 3264 §4, RFC 3311 §5, RFC 3262 §5)", () => {
  it("has a row for every state and event", () => {
    assert.equal(table.length, Object.keys(states).length * Object.keys(events).length);
  });
  for (const [state, event, want, rule] of table)
    it(`${event} in ${state}: ${want === "refused" ? "refused" : want.name} (${rule})`, () => {
      const next = nextOfferAnswerState(states[state], events[event]);
      assert.deepEqual(next, want === "refused" ? undefined : want);
    });

  const refusals: Array<[keyof typeof states, "device" | "network", 491 | 500 | "glare" | undefined]> = [
    ["idle", "device", undefined],
    ["idle", "network", undefined],
    ["local", "device", "glare"],
    ["local", "network", 491],
    ["remote", "device", "glare"],
    ["remote", "network", 500],
    ["anchoring", "device", "glare"],
    ["anchoring", "network", 500],
  ];
  for (const [state, from, want] of refusals)
    it(`refuses a new offer from the ${from} in ${state} with ${String(want ?? "nothing")}`, () => {
      const got = from === "device" ? offerRefusal(states[state], from) : offerRefusal(states[state], from);
      assert.equal(got, want);
    });

  it("throws on a transition the table refuses and keeps its state", () => {
    const oa = new OfferAnswer();
    oa.apply({ name: "offer-sent" });
    assert.throws(
      () => oa.apply({ name: "offer-received", in: "UPDATE" }),
      /not allowed in state local-offer/,
    );
    assert.equal(oa.state.name, "local-offer");
  });

  it("remembers what carried the network's offer", () => {
    const oa = new OfferAnswer();
    oa.apply({ name: "offer-received", in: "INVITE" });
    assert.deepEqual(oa.state, { name: "remote-offer", in: "INVITE" });
  });
});

describe("a device offer waiting for its turn (RFC 3261 §14.1)", () => {
  it("may offer at once when no exchange is under way", async () => {
    assert.equal(await new OfferAnswer().deviceTurn(10), true);
  });

  it("gets the turn when the exchange under way ends", async () => {
    const oa = new OfferAnswer();
    oa.apply({ name: "offer-received", in: "re-INVITE" });
    const turn = oa.deviceTurn(5000);
    oa.apply({ name: "answer-sent" });
    assert.equal(await turn, true);
  });

  it("is refused once the wait runs out, and leaves no waiter behind", async () => {
    const oa = new OfferAnswer();
    oa.apply({ name: "offer-sent" });
    assert.equal(await oa.deviceTurn(5), false);
    oa.apply({ name: "offer-ended" });
    assert.equal(oa.refusal("device"), undefined);
  });

  it("gives the turn to one waiter at a time, first come first served", async () => {
    const oa = new OfferAnswer();
    oa.apply({ name: "offer-sent" });
    const order: string[] = [];
    const first = oa.deviceTurn(5000).then((may) => {
      order.push(`first ${may}`);
      if (may) oa.apply({ name: "offer-sent" }); // its own exchange starts at once
    });
    const second = oa.deviceTurn(5000).then((may) => order.push(`second ${may}`));
    oa.apply({ name: "offer-ended" });
    await first;
    assert.deepEqual(order, ["first true"], "the second waits for the first one's exchange");
    oa.apply({ name: "offer-ended" });
    await second;
    assert.deepEqual(order, ["first true", "second true"]);
  });
});
