import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import type { DialogStateStore, PersistedDialog } from "../../dialog-state-store.ts";
import { silentLogger, type UnfinishedSession } from "../../engine.ts";
import { GatewayUserAgent } from "../gateway-user-agent.ts";
import { type IncomingResponseMessage, Parser, type SessionDialog } from "../sip-core.ts";
import { type FakeMediaAnchor, fakeMediaAnchor } from "../testing/fake-media-anchor.ts";
import { legContext } from "../testing/fake-sip.ts";
import { CONFIRMED } from "../testing/leg-states.ts";
import type { CallLeg } from "./call-leg.ts";
import type { DialogPersistence } from "./dialog-persistence.ts";
import { recoverDialog } from "./recover-dialog.ts";
import { RecoveredCall } from "./recovered-call.ts";
import { CSEQ_GAP } from "./session-dialog-state.ts";

const SESSION: UnfinishedSession = {
  mediaSessionId: "m-1",
  registrationId: "reg-1",
  direction: "originating",
  status: "Connected",
};

describe("recoverDialog: an unfinished session and its persisted dialog at start-up (real sip.js core, fake store and anchor)", () => {
  let rows: Map<string, PersistedDialog>;
  let store: DialogStateStore;
  let anchor: FakeMediaAnchor;
  let ua: GatewayUserAgent;
  let legs: Map<string, CallLeg>;
  let adopted: string[];
  let remembered: Array<[string, string]>;
  /** What the core handed its transport. */
  let sent: string[];
  const recover = (session = SESSION) => {
    const ctx = { ...legContext({ anchor }), core: ua.core };
    const persistence: DialogPersistence = {
      changed: () => undefined,
      ended: () => undefined,
      adopted: (leg) => adopted.push(leg.mediaSessionId),
    };
    return recoverDialog(
      {
        ctx,
        loggerFactory: ua.loggerFactory,
        store,
        persistence,
        legs,
        contactFor: (id) => `sip:gw@127.0.0.1:5071;transport=tcp;rid=${id}`,
        rememberSentSdp: (callId, sdp) => remembered.push([callId, sdp]),
      },
      session,
    );
  };
  const row = (state: unknown): PersistedDialog => ({
    mediaSessionId: "m-1",
    callId: CONFIRMED.callId,
    state: JSON.parse(JSON.stringify(state)) as PersistedDialog["state"],
    updatedAt: "2029-01-01T00:00:00.000Z",
  });

  beforeEach(() => {
    rows = new Map();
    store = {
      get: async (id) => rows.get(id),
      put: async (r) => void rows.set(r.mediaSessionId, r),
      delete: async (id) => rows.delete(id),
      findByCallId: async (callId) => [...rows.values()].find((r) => r.callId === callId),
    };
    anchor = fakeMediaAnchor();
    legs = new Map();
    adopted = [];
    remembered = [];
    ua = new GatewayUserAgent({
      transport: {
        transport: "tcp",
        localHost: "127.0.0.1",
        localPort: 0,
        proxy: { host: "127.0.0.1", port: 5060 },
      },
      domain: "lab.invalid",
      credentials: () => undefined,
      acceptsUser: () => false,
      userAgent: "test",
      log: () => undefined,
      logger: silentLogger,
      onInvite: () => undefined,
      onUpdate: () => undefined,
      onProxyFlowRestored: () => undefined,
    });
    sent = [];
    // The transport is not started: what the core sends is recorded instead.
    Object.assign(ua.transport, {
      send: async (message: string) => {
        sent.push(message);
      },
    });
  });
  afterEach(async () => {
    for (const leg of legs.values()) leg.finish("Terminated", "test over", true);
    ua.core.dispose();
  });

  it("carries a confirmed dialog on: registered with the core under its id, local CSeq past the persisted one, SDPs, status and session timer restored", async () => {
    rows.set("m-1", row(CONFIRMED));
    assert.deepEqual(await recover(), { kind: "resumed" });
    const leg = legs.get("m-1");
    assert.ok(leg instanceof RecoveredCall);
    assert.equal(leg.status, "Connected");
    assert.equal(leg.confirmed, true);
    assert.equal(leg.direction, "originating");
    assert.equal(leg.sdp.local, "v=0 local");
    assert.equal(leg.sdp.device, "v=0 device");
    assert.equal(leg.sdp.networkOrigin, "remote 1 1 IN IP4 127.0.0.1");
    assert.deepEqual([...leg.peerAllows], ["INVITE", "UPDATE"]);
    assert.deepEqual(leg.timer.interval, { deltaSec: 1800, weRefresh: true });
    const dialog = leg.session as SessionDialog;
    assert.equal(ua.core.dialogs.get("call-1@127.0.0.1localremote"), dialog);
    assert.equal(dialog.localSequenceNumber, 6 + CSEQ_GAP);
    assert.equal(dialog.remoteSequenceNumber, 3);
    assert.deepEqual(dialog.routeSet, ["<sip:127.0.0.1:5060;transport=tcp;lr>"]);
    assert.equal(dialog.remoteTarget.toString(), "sip:remote@127.0.0.1:5099;transport=tcp");
    assert.deepEqual(adopted, ["m-1"]);
    assert.deepEqual(remembered, [[CONFIRMED.callId, "v=0 local"]]);
    assert.deepEqual(anchor.requests, [], "the anchor keeps the call");
    assert.equal(rows.has("m-1"), true);
  });

  it("resumes a call it carries already without rebuilding its dialog a second time", async () => {
    rows.set("m-1", row(CONFIRMED));
    assert.deepEqual(await recover(), { kind: "resumed" });
    const leg = legs.get("m-1");
    assert.deepEqual(await recover(), { kind: "resumed" });
    assert.equal(legs.get("m-1"), leg, "the same leg");
    assert.deepEqual(adopted, ["m-1"], "adopted once");
  });

  it("names this process's Contact in the carried dialog's requests, not the one persisted by the process that made it (a target refresh, RFC 3261 §12.2.1.2)", async () => {
    rows.set("m-1", row({ ...CONFIRMED, contact: "sip:gw@127.0.0.1:5999;transport=tcp;rid=reg-1" }));
    assert.deepEqual(await recover(), { kind: "resumed" });
    const leg = legs.get("m-1");
    assert.ok(leg);
    assert.equal(leg.contactHeader(), "Contact: <sip:gw@127.0.0.1:5071;transport=tcp;rid=reg-1>");
  });

  it("leaves a session without a persisted dialog to the services (undefined), touching nothing", async () => {
    assert.equal(await recover(), undefined);
    assert.deepEqual(anchor.requests, []);
    assert.equal(legs.size, 0);
  });

  for (const [what, state] of [
    ["a state of another format version", { ...CONFIRMED, version: 2 }],
    [
      "a dialog whose remote target is no SIP URI",
      { ...CONFIRMED, dialog: { ...CONFIRMED.dialog, remoteTarget: "not a uri" } },
    ],
    ["an early dialog with no INVITE to end", { ...CONFIRMED, confirmed: false, status: "Ringing" }],
  ] as const)
    it(`ends as lost (undefined), deleting the anchor's call and the row, ${what}`, async () => {
      rows.set("m-1", row(state));
      assert.equal(await recover(), undefined);
      assert.deepEqual(anchor.requests, ["delete m-1"]);
      assert.equal(rows.has("m-1"), false);
      assert.equal(legs.size, 0);
      assert.equal(ua.core.dialogs.size, 0);
    });

  it("CANCELs an outgoing INVITE that had a provisional response (RFC 3261 §9.1: its Request-URI, From, To, Call-ID, CSeq number and Via branch), ends the session Failed and deletes the anchor's call and the row", async () => {
    const pendingInvite = {
      ruri: "sip:+34911000801@lab.invalid",
      fromUri: "sip:+34600000001@lab.invalid",
      fromTag: "ftag",
      toUri: "sip:+34911000801@lab.invalid",
      cseq: 1,
      branch: "z9hG4bKlost",
    };
    rows.set(
      "m-1",
      row({ ...CONFIRMED, status: "Ringing", confirmed: false, dialog: undefined, pendingInvite }),
    );
    assert.deepEqual(await recover({ ...SESSION, status: "Ringing" }), {
      kind: "ended",
      status: "Failed",
      reason: "The gateway restarted before the call was answered; the call attempt was cancelled",
    });
    const cancel = sent[0] ?? "";
    assert.match(cancel, /^CANCEL sip:\+34911000801@lab\.invalid SIP\/2\.0\r\n/);
    assert.match(cancel, /\r\nvia: SIP\/2\.0\/TCP [^;]+;branch=z9hG4bKlost/i);
    assert.match(cancel, /\r\nfrom: <sip:\+34600000001@lab\.invalid>;tag=ftag\r\n/i);
    assert.match(cancel, /\r\nto: <sip:\+34911000801@lab\.invalid>\r\n/i);
    assert.match(cancel, /\r\ncall-id: call-1@127\.0\.0\.1\r\n/i);
    assert.match(cancel, /\r\ncseq: 1 CANCEL\r\n/i);
    assert.match(cancel, /\r\nReason: SIP;cause=500;text="Gateway restarted"\r\n/);
    assert.deepEqual(anchor.requests, ["delete m-1"]);
    assert.equal(rows.has("m-1"), false);
  });

  it("ACKs the 487 to the CANCELled INVITE in place of its lost client transaction (RFC 3261 §17.1.1.3: the INVITE's Request-URI, Via branch, From, Call-ID and CSeq number, the response's To), and again for each retransmission", async () => {
    const pendingInvite = {
      ruri: "sip:+34911000801@lab.invalid",
      fromUri: "sip:+34600000001@lab.invalid",
      fromTag: "ftag",
      toUri: "sip:+34911000801@lab.invalid",
      cseq: 1,
      branch: "z9hG4bKlost",
    };
    rows.set(
      "m-1",
      row({ ...CONFIRMED, status: "Ringing", confirmed: false, dialog: undefined, pendingInvite }),
    );
    await recover({ ...SESSION, status: "Ringing" });
    const via = /\r\nvia: ([^\r]+)\r\n/i.exec(sent[0] ?? "")?.[1] ?? "";
    const response = (code: string, method: string) =>
      Parser.parseMessage(
        [
          `SIP/2.0 ${code}`,
          `Via: ${via}`,
          "From: <sip:+34600000001@lab.invalid>;tag=ftag",
          "To: <sip:+34911000801@lab.invalid>;tag=callee",
          "Call-ID: call-1@127.0.0.1",
          `CSeq: 1 ${method}`,
          "Content-Length: 0",
          "",
          "",
        ].join("\r\n"),
        ua.loggerFactory.getLogger("test"),
      ) as IncomingResponseMessage;
    ua.core.receiveIncomingResponseFromTransport(response("200 OK", "CANCEL"));
    assert.equal(sent.length, 1, "the 200 to the CANCEL is no final response to the INVITE");
    ua.core.receiveIncomingResponseFromTransport(response("487 Request Terminated", "INVITE"));
    const ack = sent[1] ?? "";
    assert.match(ack, /^ACK sip:\+34911000801@lab\.invalid SIP\/2\.0\r\n/);
    assert.ok(ack.includes(`\r\nVia: ${via}\r\n`), ack);
    assert.match(via, /;branch=z9hG4bKlost/);
    assert.match(ack, /\r\nTo: <sip:\+34911000801@lab\.invalid>;tag=callee\r\n/);
    assert.match(ack, /\r\nFrom: <sip:\+34600000001@lab\.invalid>;tag=ftag\r\n/);
    assert.match(ack, /\r\nCall-ID: call-1@127\.0\.0\.1\r\n/);
    assert.match(ack, /\r\nCSeq: 1 ACK\r\n/);
    ua.core.receiveIncomingResponseFromTransport(response("487 Request Terminated", "INVITE"));
    assert.equal(sent[2], ack, "a retransmitted 487 is ACKed again");
  });

  it("answers an incoming INVITE not yet answered with 480 from the INVITE as received (its Via, the early dialog's To tag), and ends the session Failed", async () => {
    const raw = [
      "INVITE sip:gw@127.0.0.1:5070;transport=tcp SIP/2.0",
      "Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKproxy",
      "Via: SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bKcaller;rport=5099",
      "From: <sip:+34911000002@lab.invalid>;tag=caller",
      "To: <sip:+34600000002@lab.invalid>",
      "Call-ID: in-1@127.0.0.1",
      "CSeq: 1 INVITE",
      "Contact: <sip:remote@127.0.0.1:5099;transport=tcp>",
      "Max-Forwards: 69",
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n");
    rows.set(
      "m-1",
      row({
        ...CONFIRMED,
        direction: "terminating",
        status: "Ringing",
        confirmed: false,
        dialog: undefined,
        unansweredInvite: { raw, toTag: "ours" },
      }),
    );
    assert.deepEqual(await recover({ ...SESSION, direction: "terminating", status: "Ringing" }), {
      kind: "ended",
      status: "Failed",
      reason: "The gateway restarted before the call was answered; the call attempt was refused (480)",
    });
    const response = sent[0] ?? "";
    assert.match(response, /^SIP\/2\.0 480 Temporarily Unavailable\r\n/);
    assert.match(
      response,
      /Via: SIP\/2\.0\/TCP 127\.0\.0\.1:5060;branch=z9hG4bKproxy\r\nVia: SIP\/2\.0\/TCP 127\.0\.0\.1:5099;branch=z9hG4bKcaller/i,
    );
    assert.match(response, /\r\nTo: <sip:\+34600000002@lab\.invalid>;tag=ours\r\n/i);
    assert.match(response, /\r\nReason: SIP;cause=480;text="Gateway restarted"\r\n/);
    assert.deepEqual(anchor.requests, ["delete m-1"]);
    assert.equal(rows.has("m-1"), false);
  });

  it("runs the session timer on: the gateway, the refresher, sends its refresh UPDATE in the rebuilt dialog at half the interval", async () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      rows.set("m-1", row({ ...CONFIRMED, sessionTimer: { deltaSec: 90, weRefresh: true } }));
      assert.deepEqual(await recover(), { kind: "resumed" });
      mock.timers.tick(44_999);
      assert.deepEqual(sent, []);
      mock.timers.tick(1);
      await new Promise((r) => setImmediate(r));
      const update = sent[0] ?? "";
      assert.match(update, /^UPDATE sip:remote@127\.0\.0\.1:5099;transport=tcp SIP\/2\.0\r\n/);
      assert.match(update, new RegExp(`\\r\\ncseq: ${6 + CSEQ_GAP + 1} UPDATE\\r\\n`, "i"));
      assert.match(update, /\r\nroute: <sip:127\.0\.0\.1:5060;transport=tcp;lr>\r\n/i);
      assert.match(update, /\r\nSession-Expires: 90;refresher=uac\r\n/);
    } finally {
      mock.timers.reset();
    }
  });
});
