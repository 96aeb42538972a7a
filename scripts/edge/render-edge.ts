#!/usr/bin/env -S node --import tsx
/**
 * Renders the SIP edge's Kamailio configuration from deploy/kamailio/kamailio-edge.cfg.tmpl and one
 * settings file into a folder: kamailio.cfg, tls.cfg (the tls module's profiles) and dispatcher.list
 * (the gateway nodes). The lab (scripts/lab/edge.ts) renders the same template with lab settings.
 *
 *   npm run edge:render -- --settings deploy/kamailio/edge.example.json --out /etc/kamailio/edge
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import {
  GATEWAY_NODE_CALL,
  GATEWAY_NODE_ROUTE,
  GATEWAY_NODE_UNSENT_CALL,
  dispatcherList as gatewayNodesList,
  gatewayNodesParams,
} from "../lab/gateway-nodes-cfg.ts";
import { kamailioModulesDir } from "../setup/debian-packages.ts";
import { type EdgeSettings, readEdgeSettings, readSubscribers } from "./edge-settings.ts";

export const EDGE_TEMPLATE = fileURLToPath(
  new URL("../../deploy/kamailio/kamailio-edge.cfg.tmpl", import.meta.url),
);

/** The rendered files, by name. */
export interface EdgeFiles {
  readonly "kamailio.cfg": string;
  readonly "tls.cfg": string;
  readonly "dispatcher.list": string;
}

const BANNER =
  "# Rendered by scripts/edge/render-edge.ts from deploy/kamailio/kamailio-edge.cfg.tmpl; do not edit.";

/** A kamailio.cfg string literal (settings are validated free of quotes and backslashes). */
const literal = (value: string) => `"${value}"`;

/** RFC 2617 §3.2.2.2: HA1 = MD5(username ":" realm ":" password); the edge stores no plain password. */
export function ha1(user: string, realm: string, password: string): string {
  return createHash("md5").update(`${user}:${realm}:${password}`).digest("hex");
}

function listenLines(s: EdgeSettings): string {
  const { address, advertise } = s.listen;
  const line = (proto: string, port: number) =>
    `listen=${proto}:${address}:${port}${advertise ? ` advertise ${advertise}:${port}` : ""}`;
  return [
    s.listen.udpPort === undefined ? undefined : line("udp", s.listen.udpPort),
    s.listen.tcpPort === undefined ? undefined : line("tcp", s.listen.tcpPort),
    s.listen.tlsPort === undefined ? undefined : line("tls", s.listen.tlsPort),
    `# wss:// (RFC 7118): TLS on this port; the websocket module takes the HTTP upgrade.\n${line("tls", s.listen.wssPort)}`,
  ]
    .filter((l) => l !== undefined)
    .join("\n");
}

/** `$(rU{s.substr,0,N}) == "prefix"`: the Request-URI's user part starts with `prefix`. */
const startsWith = (prefix: string) => `$(rU{s.substr,0,${prefix.length}}) == ${literal(prefix)}`;

function trunkRoutes(s: EdgeSettings): string {
  const trunks = [...(s.trunks ?? [])].sort((a, b) => b.prefix.length - a.prefix.length);
  if (trunks.length === 0) return "    # No trunks configured.\n    return;";
  return trunks
    .map(
      (t) =>
        `    if (${startsWith(t.prefix)}) {\n        $du = ${literal(t.uri)};\n        route(RELAY);\n    }`,
    )
    .join("\n");
}

function gatewayRoute(s: EdgeSettings): string {
  if (!s.gateway?.numberPrefixes.length)
    return "    # No gateway nodes in trunk mode: API devices register like any subscriber.\n    return;";
  const test = s.gateway.numberPrefixes.map(startsWith).join(" || ");
  return `    if (${test}) {
        setflag(FLT_GATEWAY);
        # Algorithm 4: round robin over the set.
        if (!ds_select_dst("1", "4")) {
            sl_send_reply("503", "No gateway node available");
            exit;
        }
        route(RELAY);
    }`;
}

function trustedSources(s: EdgeSettings): string {
  const sources = s.trustedSources ?? [];
  if (sources.length === 0) return "    # No trusted peers: every caller is a subscriber.";
  return sources.map((src) => `    if (src_ip == ${src}) return;`).join("\n");
}

function subscribers(s: EdgeSettings, credentials: ReadonlyMap<string, string>): string {
  // A route block may not be empty: an edge without subscribers gets a no-op.
  if (credentials.size === 0) return "    $var(subscribers) = 0;";
  return [...credentials]
    .map(([user, password]) => `    $sht(creds=>${user}) = ${literal(ha1(user, s.domain, password))};`)
    .join("\n");
}

function originCheck(s: EdgeSettings): string {
  const origins = s.websocket?.allowedOrigins ?? [];
  if (origins.length === 0) return "    # Any Origin is accepted (websocket.allowedOrigins is empty).";
  const test = origins.map((o) => `$hdr(Origin) == ${literal(o)}`).join(" || ");
  return `    if (!(${test})) {\n        xhttp_reply("403", "Forbidden origin", "", "");\n        exit;\n    }`;
}

/** With `kamailio.traceMessages`, every message received and sent is logged whole (L_NOTICE). */
function traceRoutes(on: boolean): { TRACE_REQUEST: string; TRACE_ROUTES: string } {
  if (!on) return { TRACE_REQUEST: "    # kamailio.traceMessages is off.", TRACE_ROUTES: "" };
  return {
    TRACE_REQUEST: '    xlog("L_NOTICE", "trace: received from $proto:$si:$sp\\n$mb\\n");',
    TRACE_ROUTES: `reply_route {
    xlog("L_NOTICE", "trace: received from $proto:$si:$sp\\n$mb\\n");
}

onsend_route {
    xlog("L_NOTICE", "trace: sent to $snd(proto):$snd(ip):$snd(port)\\n$snd(buf)\\n");
}
`,
  };
}

function tlsCfg(s: EdgeSettings): string {
  const client = s.tls.caFile
    ? `verify_certificate = yes\nrequire_certificate = yes\nca_list = ${s.tls.caFile}`
    : "# No tls.caFile: certificates of TLS trunks are not verified.\nverify_certificate = no\nrequire_certificate = no";
  return `${BANNER.replace("kamailio-edge.cfg.tmpl", "the edge settings")}
# Listeners (tls and wss): this certificate; browsers and trunks present none.
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
certificate = ${s.tls.certificateFile}
private_key = ${s.tls.privateKeyFile}

# Connections the edge opens (TLS trunks).
[client:default]
method = TLSv1.2+
${client}
`;
}

function dispatcherList(s: EdgeSettings): string {
  return `${BANNER.replace("kamailio-edge.cfg.tmpl", "the edge settings")}
# setid destination — set 1: the gateway nodes.
${gatewayNodesList(s.gateway?.nodes ?? [])}`;
}

/** The dispatcher's parameters, route[GATEWAY_NODE] and its call: probing and reroute only with nodes. */
function gatewayNodes(s: EdgeSettings, listFile: string): Record<string, string> {
  if (!s.gateway)
    return {
      GATEWAY_NODES_PARAMS: `modparam("dispatcher", "list_file", ${literal(listFile)})\nmodparam("dispatcher", "ds_ping_interval", 0)\n`,
      GATEWAY_NODE_CALL: "# No gateway nodes.",
      GATEWAY_NODE_UNSENT_CALL: "# No gateway nodes.",
      GATEWAY_NODE_ROUTES: "",
    };
  return {
    GATEWAY_NODES_PARAMS: gatewayNodesParams({ listFile, domain: s.domain, probing: s.gateway.probing }),
    GATEWAY_NODE_CALL,
    GATEWAY_NODE_UNSENT_CALL,
    GATEWAY_NODE_ROUTES: GATEWAY_NODE_ROUTE,
  };
}

/** Renders the edge's files; `credentials` are the subscribers (number → password). */
export function renderEdge(
  settings: EdgeSettings,
  credentials: ReadonlyMap<string, string>,
  options: { readonly outDir: string; readonly template?: string },
): EdgeFiles {
  const configDir = settings.kamailio?.configDir ?? resolve(options.outDir);
  const k = settings.kamailio ?? {};
  const values: Record<string, string> = {
    BANNER,
    LOG_LEVEL: String(k.logLevel ?? 2),
    LOG_STDERR: k.logStderr ? "yes" : "no",
    CHILDREN: String(k.children ?? 4),
    LISTEN: listenLines(settings),
    DOMAIN_LITERAL: literal(settings.domain),
    MODULES_DIR_LITERAL: literal(k.modulesDir ?? kamailioModulesDir()),
    TLS_CONFIG_LITERAL: literal(join(configDir, "tls.cfg")),
    CTL_SOCKET_LITERAL: literal(`unix:${join(k.runDir ?? "/run/kamailio", "kamailio.ctl")}`),
    MIN_EXPIRES_SEC: String(settings.registrar?.minExpiresSec ?? 60),
    MAX_EXPIRES_SEC: String(settings.registrar?.maxExpiresSec ?? 3600),
    RTPENGINE_SOCKET_LITERAL: literal(`udp:${settings.rtpengine.ng}`),
    ...gatewayNodes(settings, join(configDir, "dispatcher.list")),
    SUBSCRIBERS: subscribers(settings, credentials),
    TRUSTED_SOURCES: trustedSources(settings),
    GATEWAY_ROUTE: gatewayRoute(settings),
    TRUNK_ROUTES: trunkRoutes(settings),
    WSS_PORT: String(settings.listen.wssPort),
    ORIGIN_NOTE: settings.websocket?.allowedOrigins?.length ? " from the allowed origins" : "",
    ORIGIN_CHECK: originCheck(settings),
    ...traceRoutes(k.traceMessages === true),
  };
  const template = readFileSync(options.template ?? EDGE_TEMPLATE, "utf8");
  const cfg = template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new Error(`kamailio-edge.cfg.tmpl names {{${name}}}, which the renderer does not know`);
    return value;
  });
  return { "kamailio.cfg": cfg, "tls.cfg": tlsCfg(settings), "dispatcher.list": dispatcherList(settings) };
}

/** Renders and writes the files into `outDir` (kamailio.cfg owner-only: it holds the HA1 hashes). */
export function writeEdge(files: EdgeFiles, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of Object.entries(files))
    writeFileSync(join(outDir, name), text, { mode: name === "kamailio.cfg" ? 0o600 : 0o644 });
}

async function main(): Promise<void> {
  const opts = new Command("edge:render")
    .description("Renders the SIP edge's Kamailio configuration from one settings file")
    .requiredOption("--settings <file>", "edge settings (JSON), e.g. deploy/kamailio/edge.example.json")
    .requiredOption("--out <dir>", "folder for kamailio.cfg, tls.cfg and dispatcher.list")
    .parse()
    .opts<{ settings: string; out: string }>();
  const settings = readEdgeSettings(opts.settings);
  const files = renderEdge(settings, readSubscribers(settings.subscribers.file), { outDir: opts.out });
  writeEdge(files, opts.out);
  console.log(
    `rendered ${Object.keys(files).join(", ")} into ${resolve(opts.out)}; check with: kamailio -c -f ${join(resolve(opts.out), "kamailio.cfg")}`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main().catch((error: Error) => {
    console.error(error.message);
    process.exit(2);
  });
}
