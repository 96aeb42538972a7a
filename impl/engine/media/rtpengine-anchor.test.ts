import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { after, before, beforeEach, describe, it } from "node:test";
import { EngineError } from "../engine-error.ts";
import { type BencodeDict, bdecode, bencode } from "./bencode.ts";
import { createNgClient } from "./ng-client.ts";
import { createRtpengineAnchor } from "./rtpengine-anchor.ts";

const offer = [
  "v=0",
  "o=- 1 1 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "c=IN IP4 127.0.0.1",
  "a=rtpmap:111 opus/48000/2",
  "",
].join("\r\n");
const rewritten = `${offer}a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=msid:s t\r\n`;

describe("rtpengine anchor (fake ng server)", () => {
  const socket: Socket = createSocket("udp4");
  const requests: BencodeDict[] = [];
  let reply: (request: BencodeDict) => BencodeDict | undefined | Promise<BencodeDict | undefined> = () => ({
    result: "ok",
  });
  before(
    () =>
      new Promise<void>((resolve) => {
        socket.on("message", (message, from) => {
          const space = message.indexOf(0x20);
          const request = bdecode(message.subarray(space + 1)) as BencodeDict;
          requests.push(request);
          void Promise.resolve(reply(request)).then((answer) => {
            if (answer)
              socket.send(
                Buffer.concat([message.subarray(0, space + 1), bencode(answer)]),
                from.port,
                from.address,
              );
          });
        });
        socket.bind(0, "127.0.0.1", () => resolve());
      }),
  );
  after(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  beforeEach(() => {
    requests.length = 0;
    reply = () => ({ result: "ok", sdp: rewritten });
  });
  // Answered requests get a generous time-out: on a loaded machine a 50 ms one retransmits, and the
  // fake server would record the retransmission as a second request.
  const make = (onDeleteError?: (error: Error, id: string) => void, timeoutMs = 1000) =>
    createRtpengineAnchor({
      ng: createNgClient({ host: "127.0.0.1", port: socket.address().port, timeoutMs, retries: 1 }),
      ...(onDeleteError ? { onDeleteError } : {}),
    });
  const leg = { mediaSessionId: "ms-1", callId: "sip-1@gw", from: "device" as const };

  it("offers with the prefixed media session as call-id, the offering side as from-tag and the other as to-tag", async () => {
    await make().offer(leg, offer);
    assert.deepEqual(
      requests.map((r) => [r.command, r["call-id"], r["from-tag"], r["to-tag"]]),
      [["offer", "camara-gw-ms-1", "device", "network"]],
    );
  });

  it("names its calls with the call-id prefix it is given", async () => {
    const anchor = createRtpengineAnchor({
      ng: createNgClient({ host: "127.0.0.1", port: socket.address().port, timeoutMs: 1000, retries: 1 }),
      callIdPrefix: "gw-b.",
    });
    await anchor.offer(leg, offer);
    await anchor.delete("ms-1");
    assert.deepEqual(
      requests.map((r) => r["call-id"]),
      ["gw-b.ms-1", "gw-b.ms-1"],
    );
  });

  it("answers with the offerer's tag as from-tag and the answering side as to-tag", async () => {
    await make().answer({ ...leg, from: "network" }, offer);
    assert.deepEqual(
      requests.map((r) => [r.command, r["from-tag"], r["to-tag"]]),
      [["answer", "device", "network"]],
    );
  });

  it("restarts the device's ICE with an offer from the device and the network's last SDP as its answer, on the same call", async () => {
    const network = offer.replace("opus/48000/2", "PCMA/8000");
    const answer = await make().restartDevice({ ...leg, from: "device" }, offer, network);
    assert.deepEqual(
      requests.map((r) => [r.command, r["call-id"], r["from-tag"], r["to-tag"], r.sdp]),
      [
        ["offer", "camara-gw-ms-1", "device", "network", offer],
        ["answer", "camara-gw-ms-1", "device", "network", network],
      ],
    );
    assert.equal(answer, rewritten, "the answer goes to the device as rtpengine wrote it");
  });

  it("removes WebRTC-only attributes from SDP bound for the SIP side, and only there", async () => {
    const anchor = make();
    assert.equal(await anchor.offer(leg, offer), offer);
    assert.equal(await anchor.offer({ ...leg, from: "network" }, offer), rewritten);
  });

  it("after an answer, blocks media from a side that may not send (RFC 3264 §6.1) and unblocks it on resume", async () => {
    const anchor = make();
    const net = { ...leg, from: "network" as const };
    const held = offer.replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus/48000/2\r\na=sendonly");
    const mirrored = offer.replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus/48000/2\r\na=recvonly");
    await anchor.offer(net, held);
    await anchor.answer(leg, mirrored);
    await anchor.offer(net, offer);
    await anchor.answer(leg, offer);
    assert.deepEqual(
      requests.map((r) => [r.command, r["from-tag"]]),
      [
        ["offer", "network"],
        ["answer", "network"],
        ["block media", "device"],
        ["offer", "network"],
        ["answer", "network"],
        ["unblock media", "device"],
      ],
    );
  });

  it("refuses invalid SDP with invalid_sdp without asking rtpengine", async () => {
    await assert.rejects(make().offer(leg, "v=0\r\nhello"), { name: "EngineError", failure: "invalid_sdp" });
    assert.equal(requests.length, 0);
  });

  it("reports a silent rtpengine as network_unreachable", async () => {
    reply = () => undefined;
    await assert.rejects(
      make(undefined, 50).offer(leg, offer),
      (e: unknown) => e instanceof EngineError && e.failure === "network_unreachable",
    );
    assert.equal(requests.length, 2, "one retransmission");
  });

  it("reports a reply without SDP as network_rejected", async () => {
    reply = () => ({ result: "ok" });
    await assert.rejects(make().answer(leg, offer), { name: "EngineError", failure: "network_rejected" });
  });

  it("deletes by SIP Call-ID the call it anchored under the media session id, at once", async () => {
    const anchor = make();
    await anchor.offer(leg, offer);
    await anchor.delete("sip-1@gw");
    assert.deepEqual(
      { ...requests[1] },
      { command: "delete", "call-id": "camara-gw-ms-1", "from-tag": "device", "delete-delay": 0 },
    );
  });

  it("never throws from delete and reports the failure instead", async () => {
    reply = () => ({ result: "error", "error-reason": "Unrecognized command" });
    const seen: [string, string][] = [];
    await make((error, id) => seen.push([(error as EngineError).failure, id])).delete("ms-9");
    assert.deepEqual(seen, [["network_rejected", "ms-9"]]);
  });

  it("answers query for an unknown call with undefined", async () => {
    reply = () => ({ result: "error", "error-reason": "Unknown call-id" });
    assert.equal(await make().query("nope"), undefined);
  });

  it("lists the media sessions it holds under its prefix, and every call-id rtpengine holds", async () => {
    reply = () => ({ result: "ok", calls: ["camara-gw-a", "other-b", "camara-gw-c"] });
    const anchor = make();
    assert.deepEqual(await anchor.list(), ["a", "c"]);
    assert.deepEqual({ ...requests[0] }, { command: "list", limit: 1000 });
    assert.deepEqual(await anchor.callIds(5), ["camara-gw-a", "other-b", "camara-gw-c"]);
    assert.deepEqual({ ...requests[1] }, { command: "list", limit: 5 });
  });

  it("reclaims the calls under its prefix that it does not anchor, and only those", async () => {
    const anchor = make();
    await anchor.offer(leg, offer);
    requests.length = 0;
    const listed: BencodeDict = {
      result: "ok",
      calls: ["camara-gw-ms-1", "camara-gw-old-1", "kamailio-call@x", "camara-gw-old-2"],
    };
    reply = (r) => (r.command === "list" ? listed : { result: "ok" });
    assert.deepEqual(await anchor.reclaim(), ["old-1", "old-2"]);
    assert.deepEqual(
      requests.map((r) => [r.command, r["call-id"]]),
      [
        ["list", undefined],
        ["delete", "camara-gw-old-1"],
        ["delete", "camara-gw-old-2"],
      ],
    );
  });

  it("spares the calls a restarted gateway carries on when it reclaims", async () => {
    const anchor = make();
    const listed: BencodeDict = { result: "ok", calls: ["camara-gw-kept-1", "camara-gw-old-1"] };
    reply = (r) => (r.command === "list" ? listed : { result: "ok" });
    assert.deepEqual(await anchor.reclaim(new Set(["kept-1"])), ["old-1"]);
    assert.deepEqual(
      requests.map((r) => [r.command, r["call-id"]]),
      [
        ["list", undefined],
        ["delete", "camara-gw-old-1"],
      ],
    );
  });

  it("keeps a call whose offer is still on its way to rtpengine when it reclaims", async () => {
    const anchor = make(undefined, 2000);
    let releaseOffer: () => void = () => undefined;
    const offerSeen = new Promise<void>((seen) => {
      reply = (r) => {
        if (r.command === "list") return { result: "ok", calls: ["camara-gw-ms-1"] };
        seen();
        return new Promise((resolve) => {
          releaseOffer = () => resolve({ result: "ok", sdp: rewritten });
        });
      };
    });
    const offering = anchor.offer(leg, offer);
    await offerSeen;
    assert.deepEqual(await anchor.reclaim(), []);
    releaseOffer();
    await offering;
    assert.deepEqual(
      requests.map((r) => r.command),
      ["offer", "list"],
    );
  });

  it("deletes again a call deleted while its offer was in flight, which still resolves", async () => {
    const failures: string[] = [];
    const anchor = make((error) => failures.push(error.message), 2000);
    let releaseOffer: () => void = () => undefined;
    let deletes = 0;
    const ok: BencodeDict = { result: "ok" };
    const unknownCall: BencodeDict = { result: "error", "error-reason": "Unknown call-id" };
    const offerSeen = new Promise<void>((seen) => {
      reply = (r) => {
        // rtpengine ran the offer first, so the first delete removed the call and the second finds none.
        if (r.command === "delete") {
          deletes += 1;
          return deletes === 1 ? ok : unknownCall;
        }
        if (r.command !== "offer") return { result: "ok" };
        seen();
        return new Promise((resolve) => {
          releaseOffer = () => resolve({ result: "ok", sdp: rewritten });
        });
      };
    });
    const offering = anchor.offer({ ...leg, from: "network" }, offer);
    await offerSeen;
    await anchor.delete("sip-1@gw");
    releaseOffer();
    assert.equal(await offering, rewritten);
    assert.deepEqual(
      requests.map((r) => [r.command, r["call-id"]]),
      [
        ["offer", "camara-gw-ms-1"],
        ["delete", "camara-gw-ms-1"],
        ["delete", "camara-gw-ms-1"],
      ],
    );
    assert.deepEqual(failures, [], "the second delete finding no call is no failure");
    // The media session is forgotten: a reclaim would not spare it.
    requests.length = 0;
    reply = () => ({ result: "ok", calls: ["camara-gw-ms-1"] });
    assert.deepEqual(await anchor.reclaim(), ["ms-1"]);
  });

  it("pings rtpengine", async () => {
    reply = () => ({ result: "pong" });
    assert.equal(await make().ping(), true);
    reply = () => undefined;
    assert.equal(await make(undefined, 50).ping(), false);
  });
});
