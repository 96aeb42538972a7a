import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GATEWAY_NODE_ROUTE } from "../lab/gateway-nodes-cfg.ts";
import { kamailioCfg } from "../lab/kamailio-cfg.ts";
import { fromRoot } from "../lib/paths.ts";
import { EdgeSettingsError, parseEdgeSettings, readEdgeSettings, readSubscribers } from "./edge-settings.ts";
import { ha1, renderEdge } from "./render-edge.ts";

const BASE = {
  domain: "sip.example.net",
  listen: { address: "192.0.2.10", udpPort: 5060, tcpPort: 5060, tlsPort: 5061, wssPort: 7443 },
  tls: { certificateFile: "certs/edge.pem", privateKeyFile: "certs/edge-key.pem" },
  rtpengine: { ng: "127.0.0.1:2223" },
  subscribers: { file: "subscribers.json" },
  kamailio: { modulesDir: "/usr/lib/kamailio/modules", runDir: "/run/kamailio" },
};

const render = (overrides: Record<string, unknown> = {}, credentials = new Map([["+34600009001", "pw"]])) =>
  renderEdge(parseEdgeSettings({ ...BASE, ...overrides }, "/etc/edge"), credentials, { outDir: "/etc/edge" });

describe("edge rendering (deploy/kamailio/kamailio-edge.cfg.tmpl)", () => {
  it("fills every placeholder of the template", () => {
    const cfg = render()["kamailio.cfg"];
    assert.doesNotMatch(cfg, /\{\{[A-Z_]+\}\}/);
    assert.match(cfg, /^#!KAMAILIO\n/);
    assert.match(cfg, /Rendered by scripts\/edge\/render-edge\.ts/);
  });

  it("listens on udp, tcp and tls for trunks and on tls 7443 for wss://, with the advertised address when set", () => {
    const cfg = render({ listen: { ...BASE.listen, advertise: "203.0.113.10" } })["kamailio.cfg"];
    for (const want of [
      "listen=udp:192.0.2.10:5060 advertise 203.0.113.10:5060",
      "listen=tcp:192.0.2.10:5060 advertise 203.0.113.10:5060",
      "listen=tls:192.0.2.10:5061 advertise 203.0.113.10:5061",
      "listen=tls:192.0.2.10:7443 advertise 203.0.113.10:7443",
    ])
      assert.ok(cfg.includes(want), want);
    assert.match(cfg, /if \(\$Rp != 7443\) \{/);
  });

  it("leaves out the listeners the settings omit", () => {
    const cfg = render({ listen: { address: "192.0.2.10", wssPort: 7443 } })["kamailio.cfg"];
    assert.deepEqual(cfg.match(/^listen=.*$/gm), ["listen=tls:192.0.2.10:7443"]);
  });

  it("stores each subscriber as HA1 = MD5(number:domain:password), never the password", () => {
    const cfg = render({}, new Map([["+34600009001", "s3cret"]]))["kamailio.cfg"];
    assert.equal(ha1("Mufasa", "testrealm@host.com", "Circle Of Life"), "939e7578ed9e3c518a452acee763bce9");
    assert.ok(
      cfg.includes(`$sht(creds=>+34600009001) = "${ha1("+34600009001", "sip.example.net", "s3cret")}";`),
    );
    assert.doesNotMatch(cfg, /s3cret/);
  });

  it("routes trunk prefixes longest first", () => {
    const cfg = render({
      trunks: [
        { prefix: "+34", uri: "sip:198.51.100.2:5061;transport=tls" },
        { prefix: "+3491", uri: "sip:198.51.100.3;transport=udp" },
      ],
    })["kamailio.cfg"];
    const long = cfg.indexOf('$(rU{s.substr,0,5}) == "+3491"');
    const short = cfg.indexOf('$(rU{s.substr,0,3}) == "+34"');
    assert.ok(long > 0 && short > long, "the +3491 route comes before the +34 route");
  });

  it("sends the gateway's number prefixes to dispatcher set 1, listing its nodes", () => {
    const files = render({
      gateway: { numberPrefixes: ["+3460000"], nodes: ["sip:gw@192.0.2.21:5060;transport=tcp"] },
    });
    assert.match(
      files["kamailio.cfg"],
      /if \(\$\(rU\{s\.substr,0,8\}\) == "\+3460000"\) \{\n\s+setflag\(FLT_GATEWAY\);/,
    );
    // Written as route[GATEWAY_NODE] rebuilds a node's URI: port and transport explicit.
    assert.match(files["dispatcher.list"], /^1 sip:gw@192\.0\.2\.21:5060;transport=tcp$/m);
    assert.match(render()["kamailio.cfg"], /No gateway nodes in trunk mode/);
  });

  it("probes the gateway nodes with OPTIONS every 2 s, inactive after 2 failed pings, active after 2 answers, by default", () => {
    const cfg = render({ gateway: { numberPrefixes: ["+3460000"], nodes: ["sip:gw@192.0.2.21:5060"] } })[
      "kamailio.cfg"
    ];
    for (const want of [
      'modparam("dispatcher", "ds_ping_interval", 2)',
      'modparam("dispatcher", "ds_probing_mode", 1)',
      'modparam("dispatcher", "ds_probing_threshold", 2)',
      'modparam("dispatcher", "ds_inactive_threshold", 2)',
      'modparam("dispatcher", "ds_ping_from", "sip:dispatcher@sip.example.net")',
      'modparam("dispatcher", "flags", 2)',
    ])
      assert.ok(cfg.includes(want), want);
  });

  it("probes at the interval and thresholds of gateway.probing", () => {
    const cfg = render({
      gateway: {
        nodes: ["sip:gw@192.0.2.21:5060"],
        probing: { intervalSec: 5, failuresToInactive: 3, repliesToActive: 4 },
      },
    })["kamailio.cfg"];
    assert.ok(cfg.includes('modparam("dispatcher", "ds_ping_interval", 5)'));
    assert.ok(cfg.includes('modparam("dispatcher", "ds_probing_threshold", 3)'));
    assert.ok(cfg.includes('modparam("dispatcher", "ds_inactive_threshold", 4)'));
  });

  it("sends an in-dialog request for an inactive node to a live one, after loose_route, with the lab's route", () => {
    const cfg = render({ gateway: { numberPrefixes: ["+3460000"], nodes: ["sip:gw@192.0.2.21:5060"] } })[
      "kamailio.cfg"
    ];
    assert.ok(
      cfg.includes(GATEWAY_NODE_ROUTE),
      "route[GATEWAY_NODE] and its failure_route, as the lab has them",
    );
    assert.match(
      cfg,
      /if \(loose_route\(\)\) \{\n\s+if \(!isdsturiset\(\)\) handle_ruri_alias\(\);\n\s+#[^\n]*\n\s+route\(GATEWAY_NODE\);\n(.*\n)*?\s+route\(RELAY\);/,
    );
    assert.match(
      cfg,
      /failure_route\[GATEWAY_NODE_FAILED\] \{(?:(?!\n\}\n)[\s\S])*t_check_status\("481\|500\|503"\)(?:(?!\n\}\n)[\s\S])*ds_next_dst\(\)/,
    );
  });

  it("sends a request a node refused at once (its t_relay failed) to a live node before any error reply", () => {
    const cfg = render({ gateway: { numberPrefixes: ["+3460000"], nodes: ["sip:gw@192.0.2.21:5060"] } })[
      "kamailio.cfg"
    ];
    assert.match(
      cfg,
      /if \(!t_relay\(\)\) \{\n(\s+#[^\n]*\n)?\s+route\(GATEWAY_NODE_UNSENT\);\n\s+sl_reply_error\(\);/,
    );
    assert.match(cfg, /loadmodule "jsonrpcs\.so"\nmodparam\("jsonrpcs", "transport", 1\)/);
  });

  it("the edge's and the lab's Kamailio share one route for a dead node's dialogs", () => {
    const lab = kamailioCfg({
      runDir: "/run/lab",
      sipPort: 5999,
      wsPort: 5998,
      domain: "lab.sip.test",
      credentials: new Map(),
      minExpiresSec: 2,
      maxExpiresSec: 3600,
      children: 1,
      modulesDir: "/usr/lib/kamailio/modules",
      gatewayNodesFile: "/run/lab/dispatcher.list",
    });
    const edge = render({ gateway: { nodes: ["sip:gw@192.0.2.21:5060"] } })["kamailio.cfg"];
    const route = (cfg: string) =>
      cfg.slice(
        cfg.indexOf("route[GATEWAY_NODE] {"),
        cfg.indexOf("\n}\n", cfg.indexOf("failure_route[GATEWAY_NODE_FAILED]")) + 3,
      );
    assert.ok(route(lab).length > 200);
    assert.equal(route(edge), route(lab));
  });

  it("in per-number mode (nodes, no prefixes) probes and reroutes but sends no number to the nodes", () => {
    const files = render({
      gateway: { nodes: ["sip:gw@192.0.2.21:5060;transport=tcp", "sip:gw@192.0.2.22:5060"] },
    });
    assert.match(files["kamailio.cfg"], /No gateway nodes in trunk mode/);
    assert.match(files["kamailio.cfg"], /route\(GATEWAY_NODE\);/);
    assert.match(files["kamailio.cfg"], /"ds_ping_interval", 2\)/);
    assert.match(
      files["dispatcher.list"],
      /^1 sip:gw@192\.0\.2\.21:5060;transport=tcp\n1 sip:gw@192\.0\.2\.22:5060;transport=udp\n$/m,
    );
  });

  it("without gateway nodes neither probes nor reroutes", () => {
    const cfg = render()["kamailio.cfg"];
    assert.ok(cfg.includes('modparam("dispatcher", "ds_ping_interval", 0)'));
    assert.doesNotMatch(cfg, /GATEWAY_NODE/);
  });

  it("accepts requests without digest only from the trusted sources", () => {
    const cfg = render({ trustedSources: ["198.51.100.0/28", "192.0.2.7"] })["kamailio.cfg"];
    assert.ok(cfg.includes("if (src_ip == 198.51.100.0/28) return;"));
    assert.ok(cfg.includes("if (src_ip == 192.0.2.7) return;"));
  });

  it("refuses WebSocket handshakes from origins not allowed, when a list is given", () => {
    const cfg = render({ websocket: { allowedOrigins: ["https://app.example.net"] } })["kamailio.cfg"];
    assert.match(
      cfg,
      /if \(!\(\$hdr\(Origin\) == "https:\/\/app\.example\.net"\)\) \{\n\s+xhttp_reply\("403"/,
    );
    assert.match(render()["kamailio.cfg"], /Any Origin is accepted/);
  });

  it("names rtpengine's ng socket, the control socket and the files installed beside kamailio.cfg", () => {
    const cfg = render()["kamailio.cfg"];
    assert.ok(cfg.includes('modparam("rtpengine", "rtpengine_sock", "udp:127.0.0.1:2223")'));
    assert.ok(cfg.includes('modparam("ctl", "binrpc", "unix:/run/kamailio/kamailio.ctl")'));
    assert.ok(cfg.includes('modparam("tls", "config", "/etc/edge/tls.cfg")'));
    assert.ok(cfg.includes('modparam("dispatcher", "list_file", "/etc/edge/dispatcher.list")'));
  });

  it("serves the certificate on the listeners and verifies TLS trunks only against a CA file", () => {
    const tls = render({ tls: { ...BASE.tls, caFile: "/etc/ssl/trunks.pem" } })["tls.cfg"];
    assert.match(tls, /\[server:default\][^[]*certificate = \/etc\/edge\/certs\/edge\.pem/);
    assert.match(tls, /private_key = \/etc\/edge\/certs\/edge-key\.pem/);
    assert.match(
      tls,
      /\[client:default\][^[]*verify_certificate = yes[^[]*ca_list = \/etc\/ssl\/trunks\.pem/,
    );
    assert.match(render()["tls.cfg"], /\[client:default\][^[]*verify_certificate = no/);
  });

  it("logs every message received and sent only with kamailio.traceMessages", () => {
    assert.doesNotMatch(render()["kamailio.cfg"], /onsend_route|reply_route \{/);
    const cfg = render({ kamailio: { ...BASE.kamailio, traceMessages: true } })["kamailio.cfg"];
    assert.match(cfg, /onsend_route \{\n\s+xlog\("L_NOTICE", "trace: sent to/);
    assert.match(cfg, /reply_route \{\n\s+xlog\("L_NOTICE", "trace: received from/);
  });

  it("renders the shipped example settings", () => {
    const settings = readEdgeSettings(fromRoot("deploy/kamailio/edge.example.json"));
    const files = renderEdge(settings, readSubscribers(settings.subscribers.file), { outDir: "/tmp/x" });
    assert.match(files["kamailio.cfg"], /listen=tls:192\.0\.2\.10:7443/);
  });
});

describe("edge settings validation", () => {
  const cases: Array<[string, { given: Record<string, unknown>; want: RegExp }]> = [
    ["no domain", { given: { domain: "" }, want: /domain must be a non-empty string/ }],
    ["no wss port", { given: { listen: { address: "127.0.0.1" } }, want: /listen\.wssPort must be a port/ }],
    [
      "tls and wss on one port",
      { given: { listen: { address: "127.0.0.1", tlsPort: 7443, wssPort: 7443 } }, want: /different ports/ },
    ],
    ["a host name as address", { given: { listen: { address: "edge", wssPort: 1 } }, want: /IPv4 address/ }],
    ["no certificate", { given: { tls: {} }, want: /tls\.certificateFile must be a non-empty string/ }],
    [
      "a bad ng socket",
      { given: { rtpengine: { ng: "localhost" } }, want: /rtpengine\.ng must be host:port/ },
    ],
    ["a quote in the domain", { given: { domain: 'a"b' }, want: /domain must be free of quotes/ }],
    [
      "a bad trunk prefix",
      { given: { trunks: [{ prefix: "x1", uri: "sip:a" }] }, want: /trunks\[0\]\.prefix/ },
    ],
    [
      "a trusted host name",
      { given: { trustedSources: ["trunk.example"] }, want: /trustedSources must be IPv4/ },
    ],
    [
      "gateway without nodes",
      { given: { gateway: { numberPrefixes: ["+1"], nodes: [] } }, want: /gateway\.nodes/ },
    ],
    [
      "a gateway node named by host name",
      {
        given: { gateway: { nodes: ["sip:gw@gw1.example.net:5060"] } },
        want: /gateway\.nodes must be one or more SIP URIs naming each node.s Contact user, IPv4 address and port/,
      },
    ],
    [
      "a gateway node without its Contact's user",
      {
        given: { gateway: { nodes: ["sip:192.0.2.21:5060;transport=tcp"] } },
        want: /gateway\.nodes must be one or more SIP URIs naming each node's Contact user/,
      },
    ],
    [
      "a gateway node without a port",
      { given: { gateway: { nodes: ["sip:gw@192.0.2.21;transport=tcp"] } }, want: /gateway\.nodes/ },
    ],
    [
      "a probing interval of 0",
      {
        given: { gateway: { nodes: ["sip:gw@192.0.2.21:5060"], probing: { intervalSec: 0 } } },
        want: /gateway\.probing\.intervalSec must be an integer from 1 to 3600/,
      },
    ],
    [
      "a threshold given as text",
      {
        given: { gateway: { nodes: ["sip:gw@192.0.2.21:5060"], probing: { failuresToInactive: "2" } } },
        want: /gateway\.probing\.failuresToInactive must be an integer from 1 to 100/,
      },
    ],
    [
      "a threshold of 0",
      {
        given: { gateway: { nodes: ["sip:gw@192.0.2.21:5060"], probing: { repliesToActive: 0 } } },
        want: /gateway\.probing\.repliesToActive must be an integer/,
      },
    ],
    [
      "probing that is no object",
      {
        given: { gateway: { nodes: ["sip:gw@192.0.2.21:5060"], probing: 5 } },
        want: /gateway\.probing must be an object/,
      },
    ],
    [
      "an origin with a path",
      { given: { websocket: { allowedOrigins: ["https://a/b"] } }, want: /websocket\.allowedOrigins/ },
    ],
  ];
  for (const [name, { given, want }] of cases)
    it(`refuses ${name}, naming the field`, () => {
      assert.throws(
        () => parseEdgeSettings({ ...BASE, ...given }, "/"),
        (e: Error) => e instanceof EdgeSettingsError && want.test(e.message),
      );
    });

  it("resolves relative paths against the settings file's folder", () => {
    const s = parseEdgeSettings(BASE, "/etc/edge");
    assert.equal(s.tls.certificateFile, "/etc/edge/certs/edge.pem");
    assert.equal(s.subscribers.file, "/etc/edge/subscribers.json");
  });
});
