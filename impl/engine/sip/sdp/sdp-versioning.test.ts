import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MediaAnchor } from "../../media-anchor.ts";
import { splitOrigin, withSdpVersioning } from "./sdp-versioning.ts";

const sdp = (version: number, direction: string, id = "4611731400430051336") =>
  `v=0\r\no=- ${id} ${version} IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=${direction}\r\n`;
/** The decorator's inner anchor: every SDP as it is, valid or not (the decorator is under test). */
const identity: MediaAnchor = {
  offer: async (_leg, text) => text,
  answer: async (_leg, text) => text,
  delete: async () => undefined,
};
const origin = (text: string) => splitOrigin(text)?.origin;
const device = { mediaSessionId: "m1", callId: "c1", from: "device" } as const;
const network = { ...device, from: "network" } as const;

describe("SDP origin versions towards the network (RFC 3264 §8)", () => {
  const cases: [string, [string, number, string][], string[]][] = [
    [
      "a changed SDP with the same version (a hold built from the last SDP) gets the version plus one",
      [
        ["offer", 2, "sendrecv"],
        ["offer", 2, "sendonly"],
        ["offer", 2, "sendrecv"],
      ],
      ["2", "3", "4"],
    ],
    [
      "an identical SDP keeps the previous origin line, even if the device raised its version",
      [
        ["offer", 2, "sendrecv"],
        ["offer", 7, "sendrecv"],
      ],
      ["2", "2"],
    ],
    [
      "a changed SDP whose version jumped goes up by exactly one",
      [
        ["answer", 2, "sendrecv"],
        ["offer", 9, "inactive"],
      ],
      ["2", "3"],
    ],
  ];
  for (const [name, steps, versions] of cases) {
    it(name, async () => {
      const anchor = withSdpVersioning(identity);
      const got: string[] = [];
      for (const [kind, version, direction] of steps) {
        const out = await anchor[kind as "offer" | "answer"](device, sdp(version, direction));
        assert.ok(out.includes(`a=${direction}\r\n`), "the body is forwarded");
        got.push(origin(out)?.split(" ")[2] ?? "");
      }
      assert.deepEqual(got, versions);
    });
  }

  it("keeps the first origin line's user and session id for the whole dialog", async () => {
    const anchor = withSdpVersioning(identity);
    await anchor.offer(device, sdp(2, "sendrecv"));
    const out = await anchor.offer(device, sdp(1, "sendonly", "999"));
    assert.equal(origin(out), "o=- 4611731400430051336 3 IN IP4 127.0.0.1");
  });

  it("leaves SDP travelling to the device untouched, and forgets a dialog once deleted", async () => {
    const anchor = withSdpVersioning(identity);
    await anchor.offer(device, sdp(5, "sendrecv"));
    assert.equal(await anchor.answer(network, sdp(1, "recvonly")), sdp(1, "recvonly"));
    await anchor.delete("c1");
    assert.equal(await anchor.offer(device, sdp(1, "sendonly")), sdp(1, "sendonly"));
  });

  it("forwards a body without an origin line as it is (the far end refuses it)", async () => {
    const anchor = withSdpVersioning(identity);
    assert.equal(await anchor.offer(device, "garbage"), "garbage");
  });
});
