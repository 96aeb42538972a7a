import { spawnSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { DevCa } from "../dev-ca/dev-ca.ts";
import { parseEdgeSettings, readSubscribers } from "../edge/edge-settings.ts";
import { renderEdge, writeEdge } from "../edge/render-edge.ts";
import { kamailioModulesDir, requirePackages } from "../setup/debian-packages.ts";
import { freePort } from "./free-port.ts";
import type { GatewayNodesProbing } from "./gateway-nodes-cfg.ts";
import { registrarControls, runKamailio } from "./kamailio-process.ts";
import type { Lab } from "./lab.ts";

export interface EdgeLabOptions {
  /** Number → SIP password: browser SIP users and the gateway's API devices alike. */
  readonly credentials: ReadonlyMap<string, string>;
  /** rtpengine's ng listener, host:port. */
  readonly rtpengineNg: string;
  /** The wss:// listener's certificate (e.g. the development CA's loopback certificate), PEM. */
  readonly certPem: string;
  readonly keyPem: string;
  /** CA file the gateway is told to trust by `gatewayEnv("tls", …)`. */
  readonly caFile?: string;
  /** Port of the wss:// listener on 127.0.0.1; default 7443, the service's port. */
  readonly wssPort?: number;
  /** Source addresses trusted without digest (trunks); default none: every caller authenticates. */
  readonly trustedSources?: readonly string[];
  /** Gateway nodes, the number prefixes they serve in trunk mode and their probing (the settings' `gateway`). */
  readonly gateway?: {
    readonly numberPrefixes?: readonly string[];
    readonly nodes: readonly string[];
    readonly probing?: Partial<GatewayNodesProbing>;
  };
  /** Number prefix → trunk URI (the settings' `trunks`); default none. */
  readonly trunks?: ReadonlyArray<{ readonly prefix: string; readonly uri: string }>;
  /** Port of the SIP over TLS listener on 127.0.0.1; default a free port. */
  readonly tlsPort?: number;
  /** Port of the SIP over UDP and TCP listeners on 127.0.0.1; default a free port. */
  readonly sipPort?: number;
  readonly domain?: string;
  /** State folder (rendered config, control socket, log); default a fresh temporary folder. */
  readonly dir?: string;
  readonly log?: (line: string) => void;
}

/** The edge in the lab: a {@link Lab} (the gateway registers with it as with the lab's Kamailio), plus wss://. */
export interface EdgeLab extends Lab {
  readonly wssPort: number;
  /** wss://localhost:<port>, the URL a browser SIP client connects to (RFC 7118). */
  readonly wssUrl: string;
  /** base64 SHA-256 of the wss certificate's SubjectPublicKeyInfo, for Chromium's SPKI pin. */
  readonly certificateSpki: string;
}

/** base64(SHA-256(SubjectPublicKeyInfo DER)) of a PEM certificate, as Chromium's SPKI lists take it. */
export function spkiSha256(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

/**
 * Starts the SIP edge (deploy/kamailio, rendered by scripts/edge/render-edge.ts from lab settings) on
 * 127.0.0.1: UDP and TCP on one free port, TLS on another, wss:// on 7443; Kamailio runs in the
 * foreground as a child process and this resolves once its control socket and listeners answer.
 */
export async function startEdgeLab(options: EdgeLabOptions): Promise<EdgeLab> {
  const log = options.log ?? (() => undefined);
  requirePackages([
    "kamailio",
    "kamailio-websocket-modules",
    "kamailio-extra-modules",
    "kamailio-tls-modules",
  ]);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "camara-edge-"));
  mkdirSync(dir, { recursive: true });
  const domain = options.domain ?? "edge.sip.test";
  const wssPort = options.wssPort ?? 7443;
  let sipPort = options.sipPort ?? (await freePort());
  while (!options.sipPort && (sipPort === wssPort || sipPort === options.tlsPort)) sipPort = await freePort();
  let tlsPort = options.tlsPort ?? (await freePort());
  while (!options.tlsPort && (tlsPort === sipPort || tlsPort === wssPort)) tlsPort = await freePort();
  writeFileSync(join(dir, "edge-cert.pem"), options.certPem);
  writeFileSync(join(dir, "edge-key.pem"), options.keyPem, { mode: 0o600 });
  // The subscribers go through a subscribers file, as an operator's do.
  writeFileSync(join(dir, "subscribers.json"), JSON.stringify(Object.fromEntries(options.credentials)), {
    mode: 0o600,
  });
  const settings = parseEdgeSettings(
    {
      domain,
      listen: { address: "127.0.0.1", udpPort: sipPort, tcpPort: sipPort, tlsPort, wssPort },
      tls: { certificateFile: "edge-cert.pem", privateKeyFile: "edge-key.pem" },
      rtpengine: { ng: options.rtpengineNg },
      subscribers: { file: "subscribers.json" },
      trustedSources: options.trustedSources ?? [],
      trunks: options.trunks ?? [],
      ...(options.gateway ? { gateway: options.gateway } : {}),
      registrar: { minExpiresSec: 2, maxExpiresSec: 3600 },
      kamailio: {
        runDir: dir,
        modulesDir: kamailioModulesDir(),
        logStderr: true,
        logLevel: 2,
        children: 2,
        // EDGE_TRACE=1: every SIP message in the edge's log (kamailio.log in the state folder).
        traceMessages: process.env.EDGE_TRACE === "1",
      },
    },
    dir,
  );
  writeEdge(renderEdge(settings, readSubscribers(settings.subscribers.file), { outDir: dir }), dir);
  const cfgFile = join(dir, "kamailio.cfg");
  const run = await runKamailio({
    cfgFile,
    dir,
    sharedMb: 128,
    pkgMb: 32,
    tcpPorts: [sipPort, tlsPort, wssPort],
    name: "the SIP edge",
  });
  const { kamcmd } = run;
  const kamailio = run.process;
  log(
    `SIP edge ready: udp/tcp 127.0.0.1:${sipPort}, tls ${tlsPort}, wss://localhost:${wssPort}, state in ${dir}`,
  );

  let stopped = false;
  return {
    host: "127.0.0.1",
    sipPort,
    wsPort: wssPort,
    tlsPort,
    wssPort,
    wssUrl: `wss://localhost:${wssPort}`,
    certificateSpki: spkiSha256(options.certPem),
    domain,
    dir,
    kamailio,
    gatewayEnv(transport, credentialsFile) {
      // The edge anchors the media of its WebSocket clients as WebRTC (DTLS-SRTP): browsers only.
      if (transport === "ws" || transport === "wss")
        throw new Error(
          "the edge's wss:// listener is for browser SIP clients; the gateway uses udp, tcp or tls",
        );
      return {
        ENGINE: "sip",
        SIP_TRANSPORT: transport,
        SIP_OUTBOUND_PROXY: `sip:127.0.0.1:${transport === "tls" ? tlsPort : sipPort};transport=${transport}`,
        SIP_DOMAIN: domain,
        SIP_CREDENTIALS_FILE: credentialsFile,
        SIP_LOCAL_HOST: "127.0.0.1",
        ...(transport === "tls" && options.caFile ? { SIP_TLS_CA_FILE: options.caFile } : {}),
      };
    },
    kamcmd,
    async setPeer(number, uri) {
      await kamcmd("htable.sets", "routes", number, uri);
    },
    async setTrunk() {
      throw new Error("the edge's trunks come from its settings file (trunks: prefix → uri)");
    },
    ...registrarControls(kamcmd),
    async stop() {
      if (stopped) return;
      stopped = true;
      await run.stop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `SIP_EDGE=on npm start`: the edge as the lab's SIP network, on the service's ports (SIP over UDP
 * and TCP 5060, TLS 5061, wss:// 7443, all on 127.0.0.1). Subscribers: the gateway's phone numbers
 * and the browser SIP users, each with password `lab-<number without +>`. Returns the edge and the
 * gateway's SIP settings for `transport`.
 */
export async function startGatewayEdge(o: {
  readonly phoneNumbers: readonly string[];
  readonly browserUsers: readonly string[];
  readonly dataDir: string;
  /** The development CA: the edge serves its loopback certificate; the gateway trusts it over TLS. */
  readonly ca: DevCa;
  readonly rtpengineNg: string;
  readonly transport: "udp" | "tcp" | "tls";
  readonly log?: (line: string) => void;
}): Promise<{ lab: EdgeLab; env: Record<string, string> }> {
  const dir = join(o.dataDir, "edge");
  mkdirSync(dir, { recursive: true });
  const password = (n: string) => `lab-${n.replace(/^\+/, "")}`;
  const gatewayCredentials = new Map(o.phoneNumbers.map((n) => [n, password(n)]));
  const { ca } = o;
  const lab = await startEdgeLab({
    credentials: new Map([...gatewayCredentials, ...o.browserUsers.map((n) => [n, password(n)] as const)]),
    rtpengineNg: o.rtpengineNg,
    certPem: ca.serverCertPem,
    keyPem: ca.serverKeyPem,
    caFile: ca.caFile,
    sipPort: 5060,
    tlsPort: 5061,
    wssPort: 7443,
    dir,
    ...(o.log ? { log: o.log } : {}),
  });
  const credentialsFile = join(dir, "gateway-credentials.json");
  writeFileSync(credentialsFile, JSON.stringify(Object.fromEntries(gatewayCredentials), null, 2));
  return { lab, env: lab.gatewayEnv(o.transport, credentialsFile) };
}

/**
 * Renders the edge from a settings file (with `overrides` of its top-level fields) into `outDir` and
 * has Kamailio check it (`kamailio -c`: the script parses and every module loads). Returns Kamailio's
 * exit status and output.
 */
export function checkEdgeConfig(o: {
  readonly settingsFile: string;
  readonly overrides?: Readonly<Record<string, unknown>>;
  readonly outDir: string;
}): { status: number | null; output: string } {
  requirePackages([
    "kamailio",
    "kamailio-websocket-modules",
    "kamailio-extra-modules",
    "kamailio-tls-modules",
  ]);
  const raw = JSON.parse(readFileSync(o.settingsFile, "utf8")) as Record<string, unknown>;
  const settings = parseEdgeSettings({ ...raw, ...o.overrides }, dirname(resolve(o.settingsFile)));
  writeEdge(renderEdge(settings, readSubscribers(settings.subscribers.file), { outDir: o.outDir }), o.outDir);
  const result = spawnSync("kamailio", ["-c", "-f", join(o.outDir, "kamailio.cfg")], { encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
