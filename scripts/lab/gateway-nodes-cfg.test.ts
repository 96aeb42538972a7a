import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dispatcherList, GATEWAY_NODE_TIMEOUT_MS, nodeEntry } from "./gateway-nodes-cfg.ts";
import { kamailioCfg } from "./kamailio-cfg.ts";

const cfg = (gatewayNodesFile?: string) =>
  kamailioCfg({
    runDir: "/tmp/unused",
    sipPort: 5999,
    wsPort: 5998,
    domain: "lab.sip.test",
    credentials: new Map([["+34600000001", "secret"]]),
    minExpiresSec: 2,
    maxExpiresSec: 3600,
    children: 1,
    modulesDir: "/usr/lib/x86_64-linux-gnu/kamailio/modules",
    ...(gatewayNodesFile ? { gatewayNodesFile } : {}),
  });

describe("the lab Kamailio's dispatcher set of gateway nodes", () => {
  it("lists each node's SIP address in set 1", () => {
    assert.equal(
      dispatcherList(["sip:gw@127.0.0.1:9301;transport=tcp", "sip:gw@127.0.0.1:9302;transport=tcp"]),
      "1 sip:gw@127.0.0.1:9301;transport=tcp\n1 sip:gw@127.0.0.1:9302;transport=tcp\n",
    );
  });

  // Kamailio itself parses the configuration at each lab start (`kamailio -c`, lab.ts); the cluster
  // tier runs it (impl/cluster/call-failover.int.test.ts).
  it("probes the nodes and reroutes in-dialog requests for an inactive one only when there are nodes", () => {
    assert.doesNotMatch(cfg(), /dispatcher|GATEWAY_NODE/);
    const text = cfg("/lab/dispatcher.list");
    assert.match(text, /modparam\("dispatcher", "list_file", "\/lab\/dispatcher.list"\)/);
    assert.match(text, /modparam\("dispatcher", "ds_ping_interval", 1\)/);
    assert.match(text, /if \(loose_route\(\)\) \{\n.*\n\s+route\(GATEWAY_NODE\);\n\s+route\(RELAY\);/);
    assert.match(text, /failure_route\[GATEWAY_NODE_FAILED\]/);
  });

  it("gives a node a few seconds to answer, then marks it inactive and sends the request to a live node", () => {
    const text = cfg("/lab/dispatcher.list");
    assert.ok(text.includes(`t_set_fr(0, ${GATEWAY_NODE_TIMEOUT_MS});`));
    assert.match(text, /if \(!t_relay\(\)\) \{\n\s+route\(GATEWAY_NODE_UNSENT\);\n\s+sl_reply_error\(\);/);
    assert.match(
      text,
      /"method\\": \\"dispatcher\.set_state\\", \\"params\\": \[\\"ip\\", 1, \\"\$var\(dead\)\\"\]/,
    );
    // jsonrpcs only for jsonrpc_exec: HTTP transport, which serves nothing without jsonrpc_dispatch.
    assert.match(text, /modparam\("jsonrpcs", "transport", 1\)/);
    assert.doesNotMatch(text, /jsonrpc_dispatch/);
  });
});

describe("a gateway node's dispatcher entry", () => {
  const cases: Array<[string, { given: string; want: string }]> = [
    [
      "as given when complete",
      { given: "sip:gw@127.0.0.1:9301;transport=tcp", want: "sip:gw@127.0.0.1:9301;transport=tcp" },
    ],
    [
      "with the transport in lower case",
      { given: "sip:gw@127.0.0.1:9301;transport=TCP", want: "sip:gw@127.0.0.1:9301;transport=tcp" },
    ],
    [
      "with port 5060 and udp when absent",
      { given: "sip:192.0.2.21", want: "sip:192.0.2.21:5060;transport=udp" },
    ],
    [
      "without other parameters",
      { given: "sip:gw@192.0.2.21:5070;ob;transport=tls", want: "sip:gw@192.0.2.21:5070;transport=tls" },
    ],
  ];
  for (const [name, { given, want }] of cases)
    it(`is written ${name}`, () => assert.equal(nodeEntry(given), want));
});
