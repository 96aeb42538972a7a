import { type ChildProcess, execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { kamailioModulesDir, requirePackages } from "../setup/debian-packages.ts";
import { freePort } from "./free-port.ts";
import { dispatcherList } from "./gateway-nodes-cfg.ts";
import { kamailioCfg, kamailioTlsCfg } from "./kamailio-cfg.ts";
import { registrarControls, runKamailio } from "./kamailio-process.ts";

const execFileAsync = promisify(execFile);

export interface LabOptions {
  /** Number → SIP password; each becomes a subscriber of the lab registrar. */
  readonly credentials: ReadonlyMap<string, string>;
  /** SIP domain of the registrar; default "lab.sip.test" (RFC 2606 reserved name). */
  readonly domain?: string;
  /** Lab state folder (config, control socket, log); default a fresh folder under the OS temp dir. */
  readonly dir?: string;
  /** Keep the state folder after stop (for a look at kamailio.log); default false. */
  readonly keepDir?: boolean;
  readonly minExpiresSec?: number;
  readonly maxExpiresSec?: number;
  /** Kamailio worker processes per transport; default 4. */
  readonly children?: number;
  /**
   * Adds a SIP over TLS listener on 127.0.0.1 (RFC 3261 §26.2) and a SIP over WSS one (RFC 7118)
   * serving this certificate, e.g. the loopback certificate of a development CA
   * (scripts/dev-ca/dev-ca.ts). Default: neither.
   */
  readonly tls?: LabTlsOptions;
  /**
   * The SIP addresses of a cluster's gateway nodes (e.g. `sip:gw@127.0.0.1:5071;transport=tcp`): a
   * dispatcher set probed with OPTIONS, in-dialog requests for an inactive node going to a live one
   * (gateway-nodes-cfg.ts). Default: none.
   */
  readonly gatewayNodes?: readonly string[];
  readonly log?: (line: string) => void;
}

/** The TLS listener's certificate, as PEM text. */
export interface LabTlsOptions {
  /** Kamailio's certificate (chain), issued for 127.0.0.1 (and localhost). */
  readonly certPem: string;
  readonly keyPem: string;
  /** CA file the gateway is told to trust by `gatewayEnv("tls", …)` (SIP_TLS_CA_FILE), if any. */
  readonly caFile?: string;
}

/** A running lab: Kamailio on 127.0.0.1 as a child of this process, and how to reach it. */
export interface Lab {
  readonly host: "127.0.0.1";
  readonly sipPort: number;
  readonly wsPort: number;
  /** Port of the SIP over TLS listener; undefined unless the lab was started with `tls`. */
  readonly tlsPort: number | undefined;
  /** Port of the SIP over WSS listener (wss://127.0.0.1:port); undefined unless started with `tls`. */
  readonly wssPort: number | undefined;
  readonly domain: string;
  readonly dir: string;
  readonly kamailio: ChildProcess;
  /**
   * The gateway's SIP settings (impl/config/config.ts variables) for this lab and a transport.
   * "tls" and "wss" need a lab started with `tls`; they add SIP_TLS_CA_FILE when the lab was given a
   * caFile.
   */
  gatewayEnv(
    transport: "udp" | "tcp" | "tls" | "ws" | "wss",
    credentialsFile: string,
  ): Record<string, string>;
  /** Runs a Kamailio RPC command through kamcmd and returns its output. */
  kamcmd(...args: Array<string | number>): Promise<string>;
  /**
   * Routes calls for `number` to a remote endpoint (e.g. a SIPp UAS), e.g. `sip:127.0.0.1:5080;transport=tcp`;
   * `sos` is the PSAP emergency calls (urn:service:sos) go to.
   */
  setPeer(number: string, uri: string): Promise<void>;
  /** Routes numbers starting with `prefix` that are not registered to the trunk `uri` (the gateway). */
  setTrunk(prefix: string, uri: string): Promise<void>;
  /** Removes a subscriber's credentials: its next REGISTER is refused with 403. */
  deleteSubscriber(number: string): Promise<void>;
  /** Removes every registered contact of a number (network-side de-registration). */
  removeRegistrations(number: string): Promise<void>;
  /** The contacts the registrar holds for a number (usrloc AOR dump), or "" if none. */
  registrations(number: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts Kamailio for tests, benchmarks and `npm start`: fails at once when a Debian package is missing
 * (`npm run setup` installs them; nothing is installed here, which may run inside a namespace),
 * picks free loopback ports, writes kamailio.cfg from the template, runs Kamailio in the foreground
 * (`-DD`) as a child process, and resolves once its control socket answers.
 */
export async function startLab(options: LabOptions): Promise<Lab> {
  const log = options.log ?? (() => undefined);
  requirePackages([
    "kamailio",
    "kamailio-websocket-modules",
    "kamailio-extra-modules",
    "kamailio-tls-modules",
    "sip-tester",
  ]);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "camara-lab-"));
  mkdirSync(dir, { recursive: true });
  const domain = options.domain ?? "lab.sip.test";
  const sipPort = await freePort();
  let wsPort = await freePort();
  while (wsPort === sipPort) wsPort = await freePort();
  let tlsPort: number | undefined;
  let wssPort: number | undefined;
  if (options.tls) {
    do tlsPort = await freePort();
    while (tlsPort === sipPort || tlsPort === wsPort);
    do wssPort = await freePort();
    while (wssPort === sipPort || wssPort === wsPort || wssPort === tlsPort);
  }
  const tls =
    options.tls && tlsPort && wssPort
      ? { port: tlsPort, wssPort, configFile: writeTlsFiles(dir, options.tls) }
      : undefined;
  const gatewayNodesFile = options.gatewayNodes ? join(dir, "dispatcher.list") : undefined;
  if (gatewayNodesFile) writeFileSync(gatewayNodesFile, dispatcherList(options.gatewayNodes ?? []));
  const cfgFile = join(dir, "kamailio.cfg");
  writeFileSync(
    cfgFile,
    kamailioCfg({
      runDir: dir,
      sipPort,
      wsPort,
      domain,
      credentials: options.credentials,
      minExpiresSec: options.minExpiresSec ?? 2,
      maxExpiresSec: options.maxExpiresSec ?? 3600,
      children: options.children ?? 4,
      modulesDir: kamailioModulesDir(),
      ...(tls ? { tls } : {}),
      ...(gatewayNodesFile ? { gatewayNodesFile } : {}),
    }),
  );
  const check = await execFileAsync("kamailio", ["-c", "-f", cfgFile]).catch((e: { stderr?: string }) => e);
  if ("stderr" in check && check.stderr && /error/i.test(check.stderr) && !("stdout" in check)) {
    throw new Error(`kamailio.cfg does not parse:\n${check.stderr}`);
  }
  // Each subscriber is one statement of kamailio.cfg, parsed into private (pkg) memory: about 3.5 KB
  // apiece, so a generated table of thousands (the registration benchmark) needs more than 32 MB.
  const pkgMb = Math.max(32, 32 + Math.ceil(options.credentials.size / 1000) * 8);
  const run = await runKamailio({
    cfgFile,
    dir,
    sharedMb: 256,
    pkgMb,
    tcpPorts: [sipPort, wsPort, ...(tlsPort ? [tlsPort] : []), ...(wssPort ? [wssPort] : [])],
    name: "Kamailio",
  });
  const { kamcmd } = run;
  const kamailio = run.process;
  log(
    `kamailio ready on 127.0.0.1:${sipPort} (udp/tcp)${tlsPort ? `, 127.0.0.1:${tlsPort} (tls), wss://127.0.0.1:${wssPort}` : ""} and ws://127.0.0.1:${wsPort}, state in ${dir}`,
  );

  let stopped = false;
  return {
    host: "127.0.0.1",
    sipPort,
    wsPort,
    tlsPort,
    wssPort,
    domain,
    dir,
    kamailio,
    gatewayEnv(transport, credentialsFile) {
      const secure = transport === "tls" || transport === "wss";
      if (secure && !tlsPort) throw new Error("this lab was started without TLS listeners");
      const caFile = secure ? options.tls?.caFile : undefined;
      const proxies = {
        udp: `sip:127.0.0.1:${sipPort};transport=udp`,
        tcp: `sip:127.0.0.1:${sipPort};transport=tcp`,
        tls: `sip:127.0.0.1:${tlsPort};transport=tls`,
        ws: `ws://127.0.0.1:${wsPort}`,
        wss: `wss://127.0.0.1:${wssPort}`,
      };
      return {
        ENGINE: "sip",
        SIP_TRANSPORT: transport,
        SIP_OUTBOUND_PROXY: proxies[transport],
        SIP_DOMAIN: domain,
        SIP_CREDENTIALS_FILE: credentialsFile,
        SIP_LOCAL_HOST: "127.0.0.1",
        ...(caFile ? { SIP_TLS_CA_FILE: caFile } : {}),
      };
    },
    kamcmd,
    async setPeer(number, uri) {
      await kamcmd("htable.sets", "peers", number, uri);
    },
    async setTrunk(prefix, uri) {
      await kamcmd("htable.sets", "trunk", "prefix", prefix);
      await kamcmd("htable.sets", "trunk", "target", uri);
    },
    ...registrarControls(kamcmd),
    async stop() {
      if (stopped) return;
      stopped = true;
      await run.stop();
      if (!options.keepDir && !options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes Kamailio's certificate, key (owner-only) and tls.cfg into the lab folder; returns the tls.cfg path. */
function writeTlsFiles(dir: string, tls: LabTlsOptions): string {
  const certFile = join(dir, "tls-cert.pem");
  const keyFile = join(dir, "tls-key.pem");
  writeFileSync(certFile, tls.certPem);
  writeFileSync(keyFile, tls.keyPem, { mode: 0o600 });
  const configFile = join(dir, "tls.cfg");
  writeFileSync(configFile, kamailioTlsCfg({ certFile, keyFile }));
  return configFile;
}
