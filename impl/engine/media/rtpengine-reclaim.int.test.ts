/**
 * Reclaiming the rtpengine calls an earlier run of the gateway left behind, against Debian's
 * rtpengine on loopback: the SIP sessions live in memory, so after a restart nothing would delete
 * their calls before rtpengine's own timeout. Run inside the loopback-only namespace:
 * scripts/lib/netns-run.sh e2e node --import tsx --test <this file>.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { type Rtpengine, startRtpengine } from "../../../scripts/lab/rtpengine.ts";
import { createMediaAnchorFromConfig, readMediaConfig } from "./media-config.ts";
import { createNgClient } from "./ng-client.ts";
import { createRtpengineAnchor, type RtpengineAnchor } from "./rtpengine-anchor.ts";

/** A plain RTP/AVP endpoint's SDP, as a SIP phone offers or answers it. */
const sipSdp = (port: number) =>
  [
    "v=0",
    `o=phone ${port} 1 IN IP4 127.0.0.1`,
    "s=-",
    "c=IN IP4 127.0.0.1",
    "t=0 0",
    `m=audio ${port} RTP/AVP 8`,
    "a=rtpmap:8 PCMA/8000",
    "a=sendrecv",
    "",
  ].join("\r\n");

describe("reclaiming rtpengine calls left by an earlier run of the gateway", { timeout: 120_000 }, () => {
  let engine: Rtpengine;
  const clients: { close(): Promise<unknown> }[] = [];
  const anchorWith = (callIdPrefix?: string): RtpengineAnchor => {
    const ng = createNgClient({ host: engine.ngHost, port: engine.ngPort });
    clients.push(ng);
    return createRtpengineAnchor({ ng, ...(callIdPrefix ? { callIdPrefix } : {}) });
  };
  /**
   * What a run that stopped mid-call leaves: an incoming call offered but never answered, and an
   * answered call. Returns their media session ids.
   */
  async function leaveCalls(run: RtpengineAnchor): Promise<string[]> {
    const ringing = randomUUID();
    await run.offer({ mediaSessionId: ringing, callId: `${ringing}@sip`, from: "network" }, sipSdp(40000));
    const answered = randomUUID();
    await run.offer({ mediaSessionId: answered, callId: `${answered}@sip`, from: "device" }, sipSdp(40002));
    await run.answer({ mediaSessionId: answered, callId: `${answered}@sip`, from: "network" }, sipSdp(40004));
    return [ringing, answered];
  }

  before(async () => {
    engine = await startRtpengine();
  });
  after(async () => {
    for (const ng of clients) await ng.close();
    await engine?.stop();
  });

  it("deletes the calls under its prefix that the new run does not anchor, and spares its own and other prefixes'", async () => {
    const left = await leaveCalls(anchorWith());
    const neighbour = anchorWith("other-gw-");
    const [theirs] = await leaveCalls(neighbour);
    const restarted = anchorWith();
    const live = randomUUID();
    await restarted.offer({ mediaSessionId: live, callId: `${live}@sip`, from: "network" }, sipSdp(40006));

    assert.deepEqual((await restarted.reclaim()).sort(), [...left].sort());
    assert.deepEqual(await restarted.list(), [live]);
    assert.ok(theirs && (await neighbour.list()).includes(theirs), "the other gateway's call is kept");
    for (const id of left) assert.equal(await restarted.query(id), undefined, `${id} is gone`);
    assert.ok(await restarted.query(live), "the new run's call keeps its media");

    await restarted.delete(`${live}@sip`);
    for (const id of await neighbour.list()) await neighbour.delete(id);
    assert.deepEqual(await restarted.callIds(), []);
  });

  it("reclaims at start-up when the configuration asks for it (the default), logging what it deleted", async () => {
    const left = await leaveCalls(anchorWith());
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    const media = createMediaAnchorFromConfig(
      readMediaConfig({ RTPENGINE_NG: `${engine.ngHost}:${engine.ngPort}` }),
      logger,
    );
    assert.ok(media);
    clients.push(media);
    assert.deepEqual((await media.reclaimed).sort(), [...left].sort());
    assert.deepEqual(await media.anchor.callIds(), []);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; mediaSessionIds?: string[] });
    const entry = logged.find((l) => l.msg === "deleted rtpengine calls left by an earlier run");
    assert.deepEqual(entry?.mediaSessionIds?.sort(), [...left].sort());
  });

  it("leaves the calls alone with RTPENGINE_RECLAIM_ON_START=false", async () => {
    const left = await leaveCalls(anchorWith());
    const media = createMediaAnchorFromConfig(
      readMediaConfig({
        RTPENGINE_NG: `${engine.ngHost}:${engine.ngPort}`,
        RTPENGINE_RECLAIM_ON_START: "false",
      }),
      pino({ level: "silent" }),
    );
    assert.ok(media);
    clients.push(media);
    assert.deepEqual(await media.reclaimed, []);
    assert.deepEqual((await media.anchor.list()).sort(), [...left].sort());
    assert.deepEqual((await media.anchor.reclaim()).sort(), [...left].sort());
    assert.deepEqual(await media.anchor.callIds(), []);
  });
});
