import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SessionStatus } from "../../engine.ts";
import {
  engineFailureFromSip,
  type InviteOutcome,
  responseForDeviceStatus,
  sessionStatusFromInvite,
} from "./session-status-from-sip.ts";

describe("sessionStatusFromInvite (SIP → CAMARA SessionStatus)", () => {
  const table: Array<[string, { given: InviteOutcome; want: SessionStatus | undefined }]> = [
    ["100 Trying changes nothing", { given: { response: 100 }, want: undefined }],
    ["199 Early Dialog Terminated changes nothing", { given: { response: 199 }, want: undefined }],
    ["180 Ringing is Ringing", { given: { response: 180 }, want: "Ringing" }],
    ["181 Call Is Being Forwarded is Proceeding", { given: { response: 181 }, want: "Proceeding" }],
    ["182 Queued is Waiting", { given: { response: 182 }, want: "Waiting" }],
    ["183 Session Progress is InProgress", { given: { response: 183 }, want: "InProgress" }],
    ["another 1xx is InProgress", { given: { response: 150 }, want: "InProgress" }],
    ["200 OK is Connected", { given: { response: 200 }, want: "Connected" }],
    ["202 Accepted is Connected", { given: { response: 202 }, want: "Connected" }],
    [
      "302 Moved Temporarily is Failed (redirects are not followed)",
      { given: { response: 302 }, want: "Failed" },
    ],
    ["404 Not Found is NotReachable", { given: { response: 404 }, want: "NotReachable" }],
    ["410 Gone is NotReachable", { given: { response: 410 }, want: "NotReachable" }],
    ["480 Temporarily Unavailable is NotReachable", { given: { response: 480 }, want: "NotReachable" }],
    ["484 Address Incomplete is NotReachable", { given: { response: 484 }, want: "NotReachable" }],
    ["486 Busy Here is Busy", { given: { response: 486 }, want: "Busy" }],
    ["600 Busy Everywhere is Busy", { given: { response: 600 }, want: "Busy" }],
    ["408 Request Timeout is NoAnswer", { given: { response: 408 }, want: "NoAnswer" }],
    ["Timer B is NoAnswer", { given: { timeout: "timer-b" }, want: "NoAnswer" }],
    ["the gateway's no-answer timer is NoAnswer", { given: { timeout: "no-answer" }, want: "NoAnswer" }],
    ["603 Decline is Declined", { given: { response: 603 }, want: "Declined" }],
    ["487 Request Terminated is SessionCancelled", { given: { response: 487 }, want: "SessionCancelled" }],
    ["488 Not Acceptable Here is Failed", { given: { response: 488 }, want: "Failed" }],
    ["500 Server Internal Error is Failed", { given: { response: 500 }, want: "Failed" }],
    ["503 Service Unavailable is Failed", { given: { response: 503 }, want: "Failed" }],
    ["604 Does Not Exist Anywhere is NotReachable", { given: { response: 604 }, want: "NotReachable" }],
    ["a transport error is Failed", { given: { transportError: true }, want: "Failed" }],
  ];
  for (const [name, { given, want }] of table)
    it(name, () => assert.equal(sessionStatusFromInvite(given), want));
});

describe("responseForDeviceStatus (CAMARA status of an answering device → SIP response)", () => {
  const table: Array<[SessionStatus, { code: number; reason: string } | undefined]> = [
    ["InProgress", { code: 183, reason: "Session Progress" }],
    ["Ringing", { code: 180, reason: "Ringing" }],
    ["Proceeding", { code: 181, reason: "Call Is Being Forwarded" }],
    ["Waiting", { code: 182, reason: "Queued" }],
    ["Connected", { code: 200, reason: "OK" }],
    ["Hold", undefined],
    ["Terminated", undefined],
  ];
  for (const [status, want] of table)
    it(`${status} → ${want ? want.code : "no response"}`, () =>
      assert.deepEqual(responseForDeviceStatus(status), want));
});

describe("engineFailureFromSip (refused request → EngineFailure)", () => {
  const table: Array<
    [string, { code: number; local: boolean; want: ReturnType<typeof engineFailureFromSip> }]
  > = [
    [
      "a local 503 (transport error) is network_unreachable",
      { code: 503, local: true, want: "network_unreachable" },
    ],
    ["a 503 from the network is overloaded", { code: 503, local: false, want: "overloaded" }],
    ["a local 408 (Timer F) is network_timeout", { code: 408, local: true, want: "network_timeout" }],
    ["491 Request Pending is glare", { code: 491, local: false, want: "glare" }],
    ["488 Not Acceptable Here is invalid_sdp", { code: 488, local: false, want: "invalid_sdp" }],
    [
      "481 Call/Transaction Does Not Exist is unknown_session",
      { code: 481, local: false, want: "unknown_session" },
    ],
    ["403 Forbidden is network_rejected", { code: 403, local: false, want: "network_rejected" }],
    [
      "401 after a failed challenge is network_rejected",
      { code: 401, local: false, want: "network_rejected" },
    ],
  ];
  for (const [name, { code, local, want }] of table)
    it(name, () => assert.equal(engineFailureFromSip(code, local), want));
});
