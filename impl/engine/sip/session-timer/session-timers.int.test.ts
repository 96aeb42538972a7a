import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { EngineError } from "../../engine-error.ts";
import type { MediaAnchor } from "../../media-anchor.ts";
import { deviceSdp, getSession, hangUp, originate, putStatus, statusEvent } from "../testing/call-steps.ts";
import { type FakeMediaAnchor, fakeMediaAnchor } from "../testing/fake-media-anchor.ts";
import { ALICE, BOB, type SipLabGateway, startSipLabGateway } from "../testing/sip-lab-gateway.ts";
import { sippCallee, sippCaller, sippPassed } from "../testing/sipp-callee.ts";
import { receivedRequests } from "../testing/sipp-trace.ts";

describe("session timers (RFC 4028): negotiation through Kamailio (TCP)", () => {
  let gw: SipLabGateway;
  let registrationId: string;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tcp" });
    registrationId = await gw.register(ALICE);
    await gw.register(BOB);
  });
  after(async () => gw?.close());

  it("retries an INVITE refused with 422 in the same call, with Session-Expires and Min-SE raised to the callee's Min-SE", async () => {
    const number = "+34911000420";
    const sipp = await sippCallee(gw, number, "uas-session-timer-422.xml");
    const id = await originate(gw, registrationId, number, deviceSdp(40000));
    await statusEvent(gw, id, 0, "Connected", /^200 OK$/);
    await hangUp(gw, id);
    await sippPassed(sipp);
    const [first, retry] = receivedRequests((await sipp.done).messages, "INVITE");
    assert.ok(first && retry, "two INVITEs reached the callee");
    // RFC 3261 §8.1.3.5: same Call-ID, From (with its tag) and To; a higher CSeq.
    assert.equal(retry.header("call-id"), first.header("call-id"));
    assert.equal(retry.header("from"), first.header("from"));
    assert.equal(retry.header("to"), first.header("to"));
    assert.ok(
      Number.parseInt(retry.header("cseq") ?? "", 10) > Number.parseInt(first.header("cseq") ?? "", 10),
    );
    assert.deepEqual(gw.statuses(id), ["Connected", "Terminated"]);
  });

  it("refuses an INVITE and a refresh below 90 s with 422 Min-SE: 90, and echoes the refresher of accepted ones", async () => {
    const from = gw.events.length;
    const { sipp, id } = await sippCaller(gw, BOB, "uac-session-timer.xml");
    await putStatus(gw, id, { status: "Connected", answer: { sdp: deviceSdp(40000) } }, BOB);
    await statusEvent(gw, id, from, "Terminated", /^BYE$/);
    await sippPassed(sipp);
    // The INVITE refused with 422 never became a session.
    assert.equal(gw.events.slice(from).filter((e) => e.type.endsWith("session-invitation")).length, 1);
    assert.deepEqual(gw.statuses(id), ["Connected", "Terminated"]);
  });
});

describe("session timers (RFC 4028): refresh and expiry, time compressed 50× on the gateway", () => {
  let gw: SipLabGateway;
  let registrationId: string;
  before(async () => {
    // Session-Expires stays 90 s on the wire; the gateway's timers run 50 times faster, so the
    // refresher refreshes after 0.9 s and the other side gives up after 1.2 s.
    gw = await startSipLabGateway({ transport: "tcp", sessionTimerScale: 0.02 });
    registrationId = await gw.register(ALICE);
  });
  after(async () => gw?.close());

  it("refreshes with an UPDATE without a body when it is the refresher and the peer allows UPDATE", async () => {
    const number = "+34911000421";
    const sipp = await sippCallee(gw, number, "uas-session-refresh.xml");
    const id = await originate(gw, registrationId, number, deviceSdp(40000));
    await statusEvent(gw, id, 0, "Terminated", /^BYE$/, {}, 10_000);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["Connected", "Terminated"]);
  });

  it("refreshes with a re-INVITE carrying the unchanged SDP when the peer does not allow UPDATE", async () => {
    const number = "+34911000422";
    const sipp = await sippCallee(gw, number, "uas-session-refresh-reinvite.xml");
    const id = await originate(gw, registrationId, number, deviceSdp(40000));
    await statusEvent(gw, id, 0, "Terminated", /^BYE$/, {}, 10_000);
    await sippPassed(sipp);
    // An unchanged SDP in the refresh is no media change: nothing between Connected and the BYE.
    assert.deepEqual(gw.statuses(id), ["Connected", "Terminated"]);
  });

  for (const [method, scenario, want] of [
    [
      "UPDATE",
      "uas-session-refresh-422.xml",
      [
        ["90;refresher=uac", "90"],
        ["180;refresher=uac", "180"],
        ["180;refresher=uac", "180"],
      ],
    ],
    [
      "INVITE",
      "uas-session-refresh-reinvite-422.xml",
      [
        ["1800", "90"], // the initial INVITE
        ["90;refresher=uac", "90"],
        ["180;refresher=uac", "180"],
      ],
    ],
  ] as const)
    it(`retries a ${method} session refresh refused with 422 at once with Session-Expires and Min-SE raised to the 422's Min-SE`, async () => {
      const number = method === "UPDATE" ? "+34911000424" : "+34911000425";
      const sipp = await sippCallee(gw, number, scenario);
      const id = await originate(gw, registrationId, number, deviceSdp(40000));
      await statusEvent(gw, id, 0, "Terminated", /^BYE$/, {}, 10_000);
      await sippPassed(sipp);
      const requests = receivedRequests((await sipp.done).messages, method);
      assert.deepEqual(
        requests.map((r) => [r.header("session-expires"), r.header("min-se")]),
        want,
      );
      // The 422 changed nothing the device sees.
      assert.deepEqual(gw.statuses(id), ["Connected", "Terminated"]);
    });

  for (const [code, scenario, method] of [
    [408, "uas-session-refresh-408.xml", "UPDATE"],
    [481, "uas-session-refresh-481.xml", "re-INVITE"],
  ] as const)
    it(`ends the session Terminated, with BYE (Reason cause=408), when the ${method} refresh gets ${code}`, async () => {
      const number = `+34911000${code}`;
      const sipp = await sippCallee(gw, number, scenario);
      const id = await originate(gw, registrationId, number, deviceSdp(40000));
      await statusEvent(
        gw,
        id,
        0,
        "Terminated",
        new RegExp(`^${code} [^]+ to the session refresh \\(RFC 4028 §10\\)$`),
        {},
        10_000,
      );
      await sippPassed(sipp);
      assert.deepEqual(gw.statuses(id), ["Connected", "Terminated"]);
      // The API client sees the end too.
      assert.equal((await getSession(gw, id)).status, "Terminated");
    });

  it("ends the session with BYE (Reason cause=408) when the refresher lets it expire", async () => {
    const number = "+34911000423";
    const sipp = await sippCallee(gw, number, "uas-session-expiry.xml");
    const id = await originate(gw, registrationId, number, deviceSdp(40000));
    await statusEvent(gw, id, 0, "Terminated", /Session timer expired/, {}, 10_000);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["Connected", "Terminated"]);
  });
});

describe("session timers (RFC 4028): the answer to a refresh re-INVITE reaches the media anchor (RFC 3264 §8), time compressed 50×", () => {
  const scenario = (name: string) => fileURLToPath(new URL(`../testing/scenarios/${name}`, import.meta.url));
  let gw: SipLabGateway;
  let anchor: FakeMediaAnchor;
  /** Every SDP the anchor was given as an answer from the network, by media session. */
  const networkAnswers = new Map<string, string[]>();
  let registrationId: string;
  before(async () => {
    anchor = fakeMediaAnchor();
    const recording: MediaAnchor = {
      offer: (leg, sdp) => anchor.offer(leg, sdp),
      answer: (leg, sdp) => {
        if (leg.from === "network")
          networkAnswers.set(leg.mediaSessionId, [...(networkAnswers.get(leg.mediaSessionId) ?? []), sdp]);
        return anchor.answer(leg, sdp);
      },
      delete: (callId) => anchor.delete(callId),
    };
    gw = await startSipLabGateway({ transport: "tcp", sessionTimerScale: 0.02, mediaAnchor: recording });
    registrationId = await gw.register(ALICE);
  });
  after(async () => gw?.close());

  it("hands the anchor the changed SDP (o= version + 1, new port) the callee answers a refresh re-INVITE with", async () => {
    const number = "+34911000426";
    const sipp = await sippCallee(gw, number, scenario("uas-session-refresh-changed-answer.xml"));
    const id = await originate(gw, registrationId, number, deviceSdp(40000));
    await statusEvent(gw, id, 0, "Terminated", /^BYE$/, {}, 10_000);
    await sippPassed(sipp); // the refresh offered the unchanged SDP; its 200 was ACKed
    const answers = networkAnswers.get(id) ?? [];
    assert.equal(answers.length, 2, "the call's answer, then the refresh's");
    assert.match(answers[0] ?? "", /^o=remote 1 1 IN IP4 127\.0\.0\.1\r?$[\s\S]*^m=audio 49170 /m);
    assert.match(answers[1] ?? "", /^o=remote 1 2 IN IP4 127\.0\.0\.1\r?$[\s\S]*^m=audio 49172 /m);
    // The device made no offer, so it hears nothing of the move (RFC 3264 §2).
    assert.deepEqual(gw.statuses(id), ["Connected", "Terminated"]);
  });

  // The anchor refuses a well-formed answer; an answer without a valid o= line never reaches it.
  for (const [what, origin, refuse] of [
    ["the anchor refuses", "o=remote 1 2 IN IP4 [local_ip]", true],
    ["has no valid o= line", "o=garbage", false],
  ] as const)
    it(`ACKs a refresh 200 whose changed answer ${what}, then ends the call with BYE (Reason cause=488) and Failed`, async () => {
      const number = refuse ? "+34911000427" : "+34911000428";
      const rule = anchor.failWhen(
        (op, leg, sdp) =>
          refuse && op === "answer" && leg.from === "network" && sdp.includes("m=audio 49172"),
        new EngineError("invalid_sdp", "media anchor answer failed (rtpengine answer: parse SDP)"),
      );
      try {
        const sipp = await sippCallee(gw, number, scenario("uas-session-refresh-bad-answer.xml"), {
          origin,
          cause: 488,
        });
        const id = await originate(gw, registrationId, number, deviceSdp(40000));
        await statusEvent(
          gw,
          id,
          0,
          "Failed",
          /^Anchoring the answer to the session refresh failed \(invalid_sdp\); BYE sent$/,
          {},
          10_000,
        );
        await sippPassed(sipp); // ACK, then BYE with the Reason
        assert.deepEqual(gw.statuses(id), ["Connected", "Failed"]);
        assert.equal((networkAnswers.get(id) ?? []).length, refuse ? 2 : 1);
      } finally {
        rule.stop();
      }
    });
});
