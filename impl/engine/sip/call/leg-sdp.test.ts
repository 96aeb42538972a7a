import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LegSdp, type SdpSides } from "./leg-sdp.ts";

const NETWORK = "v=0\r\no=net 7 3 IN IP4 192.0.2.1\r\ns=-\r\n";
const none: SdpSides = {
  device: undefined,
  local: undefined,
  remote: undefined,
  network: undefined,
  networkOrigin: undefined,
};

/** Every step: [name, the step, the sides after it from the empty state]. */
const steps: Array<[string, (sdp: LegSdp) => void, SdpSides]> = [
  ["the device gives an SDP", (s) => s.deviceGave("dev"), { ...none, device: "dev" }],
  ["an SDP goes to the network", (s) => s.sent("loc"), { ...none, local: "loc" }],
  [
    "the network sends an SDP: only its o= line counts yet",
    (s) => s.networkSent(NETWORK),
    { ...none, networkOrigin: "net 7 3 IN IP4 192.0.2.1" },
  ],
  [
    "the media anchor takes the network's SDP",
    (s) => s.networkAnchored(NETWORK, "rem"),
    { ...none, network: NETWORK, remote: "rem" },
  ],
  [
    "sides are set at once",
    (s) => s.restore({ device: "d", local: "l" }),
    { ...none, device: "d", local: "l" },
  ],
];

describe("the SDP of a call leg on each side of the media anchor", () => {
  for (const [name, step, want] of steps)
    it(`changes only what the step names: ${name}`, () => {
      const sdp = new LegSdp();
      step(sdp);
      assert.deepEqual(sdp.sides, want);
      assert.deepEqual(
        [sdp.device, sdp.local, sdp.remote, sdp.network, sdp.networkOrigin],
        [want.device, want.local, want.remote, want.network, want.networkOrigin],
      );
    });

  it("puts back the network side of a refused offer and keeps the rest (RFC 3261 §14.2)", () => {
    const sdp = new LegSdp({ device: "dev", local: "loc" });
    sdp.networkSent(NETWORK);
    sdp.networkAnchored(NETWORK, "rem");
    const { networkOrigin, remote, network } = sdp.sides;
    sdp.networkSent("v=0\r\no=net 7 4 IN IP4 192.0.2.9\r\n");
    sdp.networkAnchored("new", "rem2");
    sdp.restore({ networkOrigin, remote, network });
    assert.deepEqual(sdp.sides, {
      device: "dev",
      local: "loc",
      remote: "rem",
      network: NETWORK,
      networkOrigin,
    });
  });

  it("hands out sides as a value that later steps do not change", () => {
    const sdp = new LegSdp({ device: "a" });
    const before = sdp.sides;
    sdp.deviceGave("b");
    assert.equal(before.device, "a");
    assert.equal(sdp.device, "b");
  });
});
