import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EngineError } from "../../engine-error.ts";
import type { MediaLeg } from "../../media-anchor.ts";
import { DEFAULT_MEDIA_POLICY } from "../media-policy.ts";
import { createJanusAnchor } from "./janus-anchor.ts";
import { JanusError } from "./janus-connection.ts";
import { fakeJanus } from "./testing/fake-janus.ts";

const BROWSER_OFFER = [
  "v=0",
  "o=- 1 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 126",
  "c=IN IP4 0.0.0.0",
  "a=mid:0",
  "a=rtpmap:111 opus/48000/2",
  "a=rtpmap:63 red/48000/2",
  "a=rtpmap:9 G722/8000",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:13 CN/8000",
  "a=rtpmap:126 telephone-event/8000",
  "",
].join("\r\n");

const PHONE_OFFER = [
  "v=0",
  "o=phone 1 1 IN IP4 127.0.0.1",
  "s=-",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=audio 40000 RTP/AVP 18 8",
  "a=rtpmap:18 G729/8000",
  "a=rtpmap:8 PCMA/8000",
  "",
].join("\r\n");

const G729_ONLY = PHONE_OFFER.replace("RTP/AVP 18 8", "RTP/AVP 18").replace("a=rtpmap:8 PCMA/8000\r\n", "");

const leg = (from: MediaLeg["from"], id = "ms-1"): MediaLeg => ({
  mediaSessionId: id,
  callId: `${id}@sip`,
  from,
});

describe("createJanusAnchor (NoSIP protocol mapping, fake Janus)", () => {
  it("a device offer creates a session and a NoSIP handle tagged with the prefix, and generates the barebone offer", async () => {
    const janus = fakeJanus({
      nosip: (body, jsep) => ({
        data: {
          nosip: "event",
          result: {
            event: "generated",
            type: "offer",
            sdp: `v=0\r\na=group:BUNDLE 0\r\nm=audio 20000 RTP/AVP 8\r\na=extmap:1 urn:x\r\na=rtpmap:8 PCMA/8000\r\n${JSON.stringify({ body, jsep }).length > 0 ? "" : ""}`,
          },
        },
      }),
    });
    const anchor = createJanusAnchor({ api: janus.api, admin: janus.admin, opaqueIdPrefix: "gw-a-" });
    const out = await anchor.offer(leg("device"), BROWSER_OFFER);
    assert.deepEqual(janus.verbs(), ["create", "attach", "message:generate"]);
    const attach = janus.sent[1];
    assert.equal(attach?.plugin, "janus.plugin.nosip");
    assert.equal(attach?.opaque_id, "gw-a-ms-1");
    const generate = janus.sent[2];
    assert.deepEqual(generate?.body, { request: "generate" });
    const jsep = generate?.jsep as { type: string; sdp: string };
    assert.equal(jsep.type, "offer");
    // The policy's codecs in its order, telephone-event kept, red and CN gone (no transcoding).
    assert.match(jsep.sdp, /^m=audio 9 UDP\/TLS\/RTP\/SAVPF 111 9 8 0 126$/m);
    // Towards the SIP side: no BUNDLE group and no WebRTC-only attributes.
    assert.equal(out, "v=0\r\nm=audio 20000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n");
    await anchor.close();
  });

  it("the network's answer is processed into the browser's JSEP answer on the same handle", async () => {
    const janus = fakeJanus();
    const anchor = createJanusAnchor({ api: janus.api });
    await anchor.offer(leg("device"), BROWSER_OFFER);
    const answer = await anchor.answer(leg("network"), PHONE_OFFER);
    assert.equal(answer, "webrtc answer");
    const process = janus.sent[3];
    assert.deepEqual(process?.body, { request: "process", type: "answer", sdp: PHONE_OFFER });
    assert.equal(process?.handle_id, janus.sent[2]?.handle_id);
    assert.deepEqual(janus.verbs(), ["create", "attach", "message:generate", "message:process"]);
    await anchor.close();
  });

  it("a network offer is processed into a JSEP offer (policy codecs only) and the browser's answer generated", async () => {
    const janus = fakeJanus();
    const anchor = createJanusAnchor({ api: janus.api });
    assert.equal(await anchor.offer(leg("network"), PHONE_OFFER), "webrtc offer");
    const process = janus.sent[2]?.body as { request: string; type: string; sdp: string };
    assert.equal(process.request, "process");
    assert.equal(process.type, "offer");
    assert.match(process.sdp, /^m=audio 40000 RTP\/AVP 8$/m, "G729 is not relayed: Janus does not transcode");
    assert.equal(
      await anchor.answer(
        leg("device"),
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 8\r\n",
      ),
      "barebone answer",
    );
    assert.deepEqual(janus.sent[3]?.body, { request: "generate" });
    assert.equal((janus.sent[3]?.jsep as { type: string }).type, "answer");
    assert.equal(janus.sessions.size, 1, "one Janus session per media session");
    await anchor.close();
  });

  it("asks NoSIP for SDES-SRTP towards the network with MEDIA_NETWORK_TRANSPORT=RTP/SAVP", async () => {
    const janus = fakeJanus();
    const anchor = createJanusAnchor({
      api: janus.api,
      policy: { ...DEFAULT_MEDIA_POLICY, networkTransport: "RTP/SAVP" },
    });
    await anchor.offer(leg("device"), BROWSER_OFFER);
    assert.deepEqual(janus.sent[2]?.body, { request: "generate", srtp: "sdes_mandatory" });
    await anchor.close();
  });

  it("refuses a network offer without any of the policy's audio codecs (invalid_sdp, a client message) and creates nothing", async () => {
    const janus = fakeJanus();
    const anchor = createJanusAnchor({ api: janus.api });
    await assert.rejects(anchor.offer(leg("network"), G729_ONLY), (error: unknown) => {
      assert.ok(error instanceof EngineError);
      assert.equal(error.failure, "invalid_sdp");
      assert.match(error.clientMessage ?? "", /does not transcode/);
      return true;
    });
    assert.deepEqual(janus.sent, []);
    await anchor.close();
  });

  const pluginErrors: Array<[string, { code: number; want: string }]> = [
    ["invalid SDP (447)", { code: 447, want: "invalid_sdp" }],
    ["SDES required but not offered (450)", { code: 450, want: "invalid_sdp" }],
    ["wrong state (445)", { code: 445, want: "invalid_state" }],
    ["unknown error (499)", { code: 499, want: "network_rejected" }],
  ];
  for (const [name, { code, want }] of pluginErrors) {
    it(`maps a NoSIP error, ${name}, to ${want} and destroys the session of a refused first offer`, async () => {
      const janus = fakeJanus({
        nosip: () => ({ data: { nosip: "event", error_code: code, error: "nope" } }),
      });
      const anchor = createJanusAnchor({ api: janus.api });
      await assert.rejects(anchor.offer(leg("device"), BROWSER_OFFER), (error: unknown) => {
        assert.ok(error instanceof EngineError);
        assert.equal(error.failure, want);
        return true;
      });
      assert.equal(janus.sessions.size, 0);
      assert.deepEqual(janus.verbs(), ["create", "attach", "message:generate", "destroy"]);
      await anchor.close();
    });
  }

  it("maps a Janus that does not answer to network_unreachable", async () => {
    const janus = fakeJanus({
      nosip: () => ({ error: new JanusError("timeout", "Janus message: no reply in 10 ms", "message") }),
    });
    const anchor = createJanusAnchor({ api: janus.api });
    await assert.rejects(
      anchor.offer(leg("device"), BROWSER_OFFER),
      (error: unknown) => error instanceof EngineError && error.failure === "network_unreachable",
    );
    await anchor.close();
  });

  it("answers unknown_session for an answer to a call it does not hold", async () => {
    const janus = fakeJanus();
    const anchor = createJanusAnchor({ api: janus.api });
    await assert.rejects(
      anchor.answer(leg("network"), PHONE_OFFER),
      (error: unknown) => error instanceof EngineError && error.failure === "unknown_session",
    );
    assert.deepEqual(janus.sent, []);
    await anchor.close();
  });

  it("deletes by SIP Call-ID: the Janus session is destroyed (handle detached, PeerConnection closed)", async () => {
    const janus = fakeJanus();
    const anchor = createJanusAnchor({ api: janus.api });
    await anchor.offer(leg("device"), BROWSER_OFFER);
    await anchor.delete("ms-1@sip");
    assert.equal(janus.sessions.size, 0);
    assert.equal(janus.verbs().at(-1), "destroy");
    await anchor.delete("ms-1");
    assert.equal(janus.verbs().filter((v) => v === "destroy").length, 1, "a second delete sends nothing");
    await anchor.close();
  });

  it("a delete that crosses the first offer destroys the session once the offer settles", async () => {
    const janus = fakeJanus();
    const anchor = createJanusAnchor({ api: janus.api, admin: janus.admin });
    const release = janus.hold();
    const offer = anchor.offer(leg("device"), BROWSER_OFFER);
    await new Promise((resolve) => setImmediate(resolve));
    const deleted = anchor.delete("ms-1");
    release();
    await offer;
    await deleted;
    assert.equal(janus.sessions.size, 0);
    assert.deepEqual(await anchor.list(), []);
    await anchor.close();
  });

  it("reclaims only the sessions under its prefix that it does not anchor", async () => {
    const janus = fakeJanus();
    const anchor = createJanusAnchor({ api: janus.api, admin: janus.admin, opaqueIdPrefix: "gw-a-" });
    await anchor.offer(leg("device", "live"), BROWSER_OFFER);
    const orphan = janus.leave("gw-a-orphan");
    const otherGateway = janus.leave("gw-b-theirs");
    const otherPlugin = janus.leave("gw-a-echo", "janus.plugin.echotest");
    assert.deepEqual((await anchor.list()).sort(), ["live", "orphan"]);
    assert.deepEqual(await anchor.reclaim(), ["orphan"]);
    assert.equal(janus.sessions.has(orphan), false);
    assert.ok(janus.sessions.has(otherGateway) && janus.sessions.has(otherPlugin));
    assert.deepEqual(await anchor.list(), ["live"]);
    assert.deepEqual((await anchor.callIds()).sort(), ["gw-a-echo", "gw-a-live", "gw-b-theirs"]);
    await anchor.close();
  });

  it("claims the sessions of the calls it carries on after a restart and re-offers on their handles, destroying the rest", async () => {
    const janus = fakeJanus();
    const carried = janus.leave("camara-gw-carried");
    const orphan = janus.leave("camara-gw-orphan");
    const anchor = createJanusAnchor({ api: janus.api, admin: janus.admin });
    assert.deepEqual(await anchor.reclaim(new Set(["carried"])), ["orphan"]);
    assert.equal(janus.sessions.has(orphan), false);
    // The hold re-offer of the carried call goes to the claimed session's handle, no new session.
    assert.equal(await anchor.offer(leg("device", "carried"), BROWSER_OFFER), "barebone offer");
    assert.deepEqual(janus.verbs().sort(), ["claim", "destroy_session", "message:generate"]);
    assert.deepEqual([...janus.sessions.keys()], [carried]);
    await anchor.delete("carried");
    assert.equal(janus.sessions.size, 0);
    await anchor.close();
  });

  it("forgets a carried call whose session Janus no longer lets it claim, so that its next offer opens a new session", async () => {
    const janus = fakeJanus();
    const gone = janus.leave("camara-gw-carried");
    const failures: string[] = [];
    const anchor = createJanusAnchor({
      api: janus.api,
      admin: janus.admin,
      onDeleteError: (error, id) => failures.push(`${id}: ${error.message}`),
    });
    const reclaimed = anchor.reclaim(new Set(["carried"]));
    janus.sessions.delete(gone); // Janus's reclaim_session_timeout passes before the claim
    await reclaimed;
    await assert.rejects(anchor.offer(leg("device", "carried"), BROWSER_OFFER));
    assert.equal(failures.length, 1);
    assert.equal(await anchor.offer(leg("device", "carried"), BROWSER_OFFER), "barebone offer");
    assert.deepEqual(
      janus.verbs().filter((v) => v === "create" || v === "attach"),
      ["create", "attach"],
    );
    await anchor.close();
  });

  it("reports a call's packet counters from handle_info, and undefined once it is deleted", async () => {
    const janus = fakeJanus();
    const anchor = createJanusAnchor({ api: janus.api, admin: janus.admin });
    await anchor.offer(leg("device"), BROWSER_OFFER);
    janus.handleInfo["camara-gw-ms-1"] = {
      plugin_specific: { "srtp-required": "no" },
      webrtc: {
        media: {
          "0": {
            type: "audio",
            direction: { send: true, recv: true },
            stats: { in: { packets: 150, bytes: 9000 }, out: { packets: 140, bytes: 8000 } },
          },
        },
      },
    };
    const q = await anchor.query("ms-1@sip");
    assert.equal(q?.sides.device?.received.packets, 150);
    assert.equal(q?.sides.network?.received.packets, 140);
    assert.equal(q?.sides.network?.media[0]?.protocol, "RTP/AVP");
    assert.equal(q?.sides.device?.media[0]?.protocol, "UDP/TLS/RTP/SAVPF");
    await anchor.delete("ms-1");
    assert.equal(await anchor.query("ms-1"), undefined);
    await anchor.close();
  });

  it("keeps each Janus session alive within the session timeout", async () => {
    const janus = fakeJanus();
    const anchor = createJanusAnchor({ api: janus.api, keepaliveMs: 20 });
    await anchor.offer(leg("device"), BROWSER_OFFER);
    await new Promise((resolve) => setTimeout(resolve, 70));
    assert.ok(janus.verbs().filter((v) => v === "keepalive").length >= 2);
    await anchor.close();
  });

  it("forgets a call whose Janus session timed out and reports Janus's events about it", async () => {
    const janus = fakeJanus();
    const events: string[] = [];
    const anchor = createJanusAnchor({ api: janus.api, onEvent: (e, id) => events.push(`${e.janus}:${id}`) });
    await anchor.offer(leg("device"), BROWSER_OFFER);
    const sessionId = janus.sent[0] && [...janus.sessions.keys()][0];
    janus.emit({ janus: "hangup", session_id: sessionId, reason: "DTLS alert" });
    janus.emit({ janus: "timeout", session_id: sessionId });
    assert.deepEqual(events, ["hangup:ms-1", "timeout:ms-1"]);
    await assert.rejects(
      anchor.answer(leg("network"), PHONE_OFFER),
      (error: unknown) => error instanceof EngineError && error.failure === "unknown_session",
    );
    await anchor.close();
  });
});
