import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import type { SessionEvent } from "../engine.ts";
import { EngineError } from "../engine-error.ts";
import { CallLeg, type CallLegContext } from "./call-leg.ts";
import { passThroughMediaAnchor } from "./media-anchor.ts";
import type { Session } from "./sip-core.ts";

const SDP = (port: number, direction = "sendrecv", version = 1) =>
  `v=0\r\no=x 1 ${version} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=${direction}\r\n`;

/** A SIP message as the call leg reads it: headers by name and a body. */
function message(headers: Record<string, string>, body?: string, status?: { code: number; reason: string }) {
  const all: Record<string, string> = {
    ...(body ? { "content-type": "application/sdp" } : {}),
    ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
  };
  return {
    body: body ?? "",
    statusCode: status?.code,
    reasonPhrase: status?.reason,
    getHeader: (name: string) => all[name.toLowerCase()],
    getHeaders: (name: string) => (all[name.toLowerCase()] ? [all[name.toLowerCase()] as string] : []),
  };
}

/** A confirmed dialog that records what the leg sends and lets the test answer it. */
class FakeDialog {
  readonly id = "call-1local-tagremote-tag";
  delegate: Record<string, (request: unknown) => void> = {};
  readonly invites: Array<{
    headers: string[];
    body: string | undefined;
    answer(code: number, headers?: Record<string, string>, sdp?: string): void;
  }> = [];
  readonly byes: string[][] = [];
  invite(
    delegate: { onAccept(r: unknown): void; onReject(r: unknown): void },
    options: { extraHeaders: string[]; body?: { content: string } },
  ) {
    this.invites.push({
      headers: options.extraHeaders,
      body: options.body?.content,
      answer: (code, headers = {}, sdp) => {
        const response = message(headers, sdp, { code, reason: code === 200 ? "OK" : "Refused" });
        if (code < 300) delegate.onAccept({ message: response, ack: () => undefined });
        else delegate.onReject({ message: response });
      },
    });
  }
  bye(_delegate: unknown, options: { extraHeaders: string[] }) {
    this.byes.push(options.extraHeaders);
  }
  /** A re-INVITE from the far end; resolves with the final response the leg gave it. */
  reinvite(headers: Record<string, string>, sdp?: string): Promise<{ code: number; headers: string[] }> {
    return new Promise((resolve) => {
      this.delegate.onInvite?.({
        message: message(headers, sdp),
        accept: (o: { statusCode: number; extraHeaders?: string[] }) =>
          resolve({ code: o.statusCode, headers: o.extraHeaders ?? [] }),
        reject: (o: { statusCode: number; extraHeaders?: string[] }) =>
          resolve({ code: o.statusCode, headers: o.extraHeaders ?? [] }),
      });
    });
  }
}

class TestLeg extends CallLeg {
  terminate(): void {}
  open(dialog: FakeDialog): void {
    this.adoptSession(dialog as unknown as Session);
  }
  get refresher() {
    return this.timer;
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("CallLeg offer/answer and session refresh failure handling (fake dialog)", () => {
  let events: SessionEvent[];
  let dialog: FakeDialog;
  let leg: TestLeg;
  beforeEach(() => {
    events = [];
    const ctx: CallLegContext = {
      core: undefined as unknown as CallLegContext["core"],
      anchor: passThroughMediaAnchor,
      sessionExpiresSec: 1800,
      minSeSec: 90,
      sessionTimerScale: 1,
      inviteTimeoutMs: 60_000,
      emit: (e) => events.push(e),
      bindDialog: () => undefined,
      ended: () => undefined,
      log: () => undefined,
    };
    dialog = new FakeDialog();
    leg = new TestLeg("m-1", "r-1", "call-1", "sip:gw@127.0.0.1:5060;transport=tcp", ctx);
    leg.open(dialog);
    leg.confirmed = true;
    leg.status = "Connected";
    leg.deviceSdp = SDP(40000);
    leg.localSdp = SDP(40000);
  });
  afterEach(() => {
    leg.finish("Terminated", "test over", true);
    mock.timers.reset();
  });

  it("refuses a network offer with 491 while its own offer is pending (RFC 3311 §5.2)", async () => {
    leg.offerPending = true;
    assert.equal((await dialog.reinvite({}, SDP(49170, "sendrecv", 2))).code, 491);
    assert.deepEqual(events, []);
  });

  it("refuses a network offer with 500 and Retry-After while it owes the device's answer (RFC 3311 §5.2)", async () => {
    leg.answerOwed = true;
    const response = await dialog.reinvite({}, SDP(49170, "sendrecv", 2));
    assert.equal(response.code, 500);
    assert.match(response.headers.join("\n"), /^Retry-After: \d+$/m);
  });

  it("refuses with 488 a network offer that arrives before the device gave any SDP", async () => {
    leg.deviceSdp = undefined;
    assert.equal((await dialog.reinvite({}, SDP(49170, "sendrecv", 2))).code, 488);
  });

  it("refuses a refresh below its Min-SE with 422 and Min-SE (RFC 4028 §9)", async () => {
    const response = await dialog.reinvite({ "Session-Expires": "60", Supported: "timer" }, SDP(49170));
    assert.deepEqual(response, { code: 422, headers: ["Min-SE: 90"] });
  });

  it("keeps the session as it was and says why when its re-INVITE gets 491", async () => {
    await leg.changeMedia(SDP(40002, "sendrecv", 2), "Connected");
    dialog.invites[0]?.answer(491);
    await flush();
    assert.equal(leg.offerPending, false);
    assert.equal(leg.deviceSdp, SDP(40000));
    assert.deepEqual(
      events.map((e) => [e.status, e.reason]),
      [["Connected", "491 Refused (re-INVITE): the media change was not applied (glare)"]],
    );
  });

  it("ends the dialog with BYE when its re-INVITE gets 481 (RFC 3261 §14.1)", async () => {
    await leg.hold(true, undefined);
    assert.match(dialog.invites[0]?.body ?? "", /a=sendonly/);
    dialog.invites[0]?.answer(481);
    await flush();
    assert.deepEqual(dialog.byes, [['Reason: SIP;cause=408;text="Dialog lost"']]);
    assert.deepEqual(
      events.map((e) => e.status),
      ["Terminated"],
    );
    assert.equal(leg.terminated, true);
  });

  it("refuses a second device offer while one is pending (glare → 409 upstream)", async () => {
    await leg.changeMedia(SDP(40002, "sendrecv", 2), "Connected");
    await assert.rejects(leg.changeMedia(SDP(40004, "sendrecv", 3), "Connected"), (e: unknown) => {
      return e instanceof EngineError && e.failure === "glare";
    });
  });

  it("retries a refresh refused with 422 at the larger interval, then ends with BYE when a refresh gets 481 (RFC 4028 §10)", async () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    leg.refresher.negotiated({ deltaSec: 90, refresher: "uac" }, "uac");
    mock.timers.tick(45_000);
    // No Allow: UPDATE from this peer, so the refresh is a re-INVITE with the unchanged SDP.
    assert.equal(dialog.invites[0]?.body, SDP(40000));
    assert.ok(dialog.invites[0]?.headers.includes("Session-Expires: 90;refresher=uac"));
    dialog.invites[0]?.answer(422, { "Min-SE": "120" });
    await flush();
    assert.ok(dialog.invites[1]?.headers.includes("Session-Expires: 120;refresher=uac"));
    assert.ok(dialog.invites[1]?.headers.includes("Min-SE: 120"));
    dialog.invites[1]?.answer(200, { "Session-Expires": "120;refresher=uac" }, SDP(49170));
    await flush();
    mock.timers.tick(60_000);
    dialog.invites[2]?.answer(481);
    await flush();
    assert.deepEqual(dialog.byes, [['Reason: SIP;cause=408;text="Session refresh failed"']]);
    assert.deepEqual(
      events.map((e) => [e.status, e.reason]),
      [["Terminated", "481 Refused to the session refresh (RFC 4028 §10)"]],
    );
  });
});
