import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ReceivedNotification } from "../../../conformance/sink/index.ts";
import { sinkProblems } from "./acceptance-checks.ts";
import { type LoadedCall, SESSION_STATUS } from "./acceptance-load.ts";

const call = (acknowledged: LoadedCall["acknowledged"] = []): LoadedCall => ({
  id: "s1",
  client: 0,
  turn: 1,
  number: "+3491200101",
  registrationId: "r1",
  acknowledged,
});
let clock = Date.parse("2026-12-05T21:00:00Z");
/** One delivery the sink recorded, each 10 ms after the previous one. */
const received = (
  id: string,
  sequenceNumber: number,
  status: string,
  extra: Partial<ReceivedNotification> = {},
): ReceivedNotification => {
  clock += 10;
  return {
    receivedAt: 0,
    path: "/phase-1/client-0",
    method: "POST",
    headers: {},
    authorization: undefined,
    correlator: "c",
    problems: [],
    status: 204,
    event: {
      id,
      type: SESSION_STATUS,
      source: "urn:gw",
      time: new Date(clock).toISOString(),
      data: { mediaSessionId: "s1", sequenceNumber, status },
    },
    ...extra,
  };
};
const path = () => ["Connected", "Terminated"];

describe("sinkProblems (the acceptance run's events check)", () => {
  it("finds none in 1, 2, 3 … received once each or again unchanged, with the statuses the API showed", () => {
    const connected = received("e1", 1, "Connected");
    const events = [connected, connected, received("e2", 2, "Terminated")];
    const acknowledged = [
      { status: "Connected", sequenceNumber: 1 },
      { status: "Terminated", sequenceNumber: 2 },
    ];
    assert.deepEqual(sinkProblems(events, [call(acknowledged)], path), []);
  });

  it("finds two events with one sequenceNumber, a gap, and a step back", () => {
    const twice = [received("e1", 1, "Connected"), received("e2", 2, "Hold"), received("e3", 2, "Hold")];
    const gap = [received("e1", 1, "Connected"), received("e3", 3, "Terminated")];
    const back = [received("e2", 2, "Terminated"), received("e1", 1, "Connected")];
    for (const events of [twice, gap, back])
      assert.match(sinkProblems(events, [call()], () => [])[0] ?? "", /sequenceNumbers in arrival order/);
  });

  it("finds a time that goes back, a repeated id carrying another event, a refused delivery, and an event of no call", () => {
    const first = received("e1", 1, "Connected");
    const earlier = received("e2", 2, "Terminated");
    const late = {
      ...first,
      event: { ...first.event, time: "2026-12-05T22:00:00Z" },
    } as ReceivedNotification;
    assert.match(sinkProblems([late, earlier], [call()], path).join(), /times in arrival order/);
    const changed = received("e1", 1, "Hold");
    assert.match(sinkProblems([first, changed, earlier], [call()], path).join(), /e1 sent again, changed/);
    const refused = received("e2", 2, "Terminated", { status: 500 });
    assert.match(sinkProblems([first, refused], [call()], path).join(), /statuses Connected, want/);
    const stray = received("e9", 1, "Connected");
    const other = {
      ...stray,
      event: { ...stray.event, data: { mediaSessionId: "s9" } },
    } as ReceivedNotification;
    assert.match(
      sinkProblems([first, earlier, other], [call()], path).join(),
      /an event of no call of this sink/,
    );
  });

  it("finds a status the API acknowledged that never arrived, and statuses other than the call's path", () => {
    const events = [received("e1", 1, "Connected"), received("e2", 2, "Terminated")];
    const acknowledged = [{ status: "Hold", sequenceNumber: 2 }];
    assert.match(
      sinkProblems(events, [call(acknowledged)], path).join(),
      /acknowledged Hold #2 never received/,
    );
    assert.match(
      sinkProblems(events, [call()], () => ["Connected", "Hold", "Terminated"]).join(),
      /statuses Connected → Terminated, want Connected → Hold → Terminated/,
    );
  });
});
