import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { janusConfigFiles } from "./janus.ts";

const values = {
  dir: "/lab/janus",
  wsPort: 8188,
  adminWsPort: 7188,
  adminSecret: "s3cret",
  webrtcPorts: [20000, 20499] as const,
  rtpPorts: [20500, 20999] as const,
  debugLevel: 4,
  iceEnforceList: "127." as string | undefined,
};

describe("janusConfigFiles", () => {
  it("writes only the core, NoSIP and WebSockets configurations, every listener on 127.0.0.1", () => {
    const files = janusConfigFiles(values);
    assert.deepEqual(Object.keys(files).sort(), [
      "janus.jcfg",
      "janus.plugin.nosip.jcfg",
      "janus.transport.websockets.jcfg",
    ]);
    const ws = files["janus.transport.websockets.jcfg"] ?? "";
    assert.match(ws, /ws_port = 8188\n\tws_ip = "127\.0\.0\.1"/);
    assert.match(ws, /admin_ws_port = 7188\n\tadmin_ws_ip = "127\.0\.0\.1"/);
    assert.match(ws, /wss = false/);
    const nosip = files["janus.plugin.nosip.jcfg"] ?? "";
    assert.match(nosip, /local_ip = "127\.0\.0\.1"/);
    assert.match(nosip, /rtp_port_range = "20500-20999"/);
  });

  it("loads plugins and transports from the lab's own folders, with no STUN, and sessions kept 30 s past their WebSocket for a restarted gateway to claim", () => {
    const core = janusConfigFiles(values)["janus.jcfg"] ?? "";
    assert.match(core, /plugins_folder = "\/lab\/janus\/plugins"/);
    assert.match(core, /transports_folder = "\/lab\/janus\/transports"/);
    assert.match(core, /admin_secret = "s3cret"/);
    assert.match(core, /reclaim_session_timeout = 30/);
    assert.match(core, /rtp_port_range = "20000-20499"/);
    assert.match(core, /ice_enforce_list = "127\."/);
    assert.doesNotMatch(core, /stun_server|turn_server/);
  });

  it("lets Janus use the machine's interfaces when no enforce list is given", () => {
    const core = janusConfigFiles({ ...values, iceEnforceList: undefined })["janus.jcfg"] ?? "";
    assert.doesNotMatch(core, /ice_enforce_list/);
  });
});
