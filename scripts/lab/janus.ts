#!/usr/bin/env -S node --import tsx
/**
 * The lab's second media anchor: Debian's Janus 1.1.2 with only its NoSIP plugin and only its
 * WebSocket transport (Janus API and Admin API), both on 127.0.0.1, run in the foreground as a child
 * process with a configuration folder generated here and a log in the lab state folder.
 *
 *   tsx scripts/lab/janus.ts start [--dir DIR]   runs until SIGINT/SIGTERM, prints the JANUS_* variables
 *   tsx scripts/lab/janus.ts stop --dir DIR      stops one started with --dir
 *
 * Tests and the e2e tier use {@link startJanus} directly.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { openJanusConnection } from "../../impl/engine/media/janus/janus-connection.ts";
import { debianLibDir, requirePackages } from "../setup/debian-packages.ts";
import { freePort } from "./free-port.ts";

/** Where Debian installs Janus's plugins and transports on this architecture. */
export function janusLibDir(): string {
  return `${debianLibDir()}/janus`;
}

export interface JanusOptions {
  /** Lab state folder (configuration, log); default a fresh folder under the OS temp dir. */
  readonly dir?: string;
  /** Keep a default (temporary) state folder after stop, e.g. to read janus.log; default false. */
  readonly keepDir?: boolean;
  /** TCP ports on 127.0.0.1 of the Janus API and the Admin API WebSockets; default free ports. */
  readonly wsPort?: number;
  readonly adminWsPort?: number;
  /**
   * UDP port range of the WebRTC side (ICE) and of the NoSIP plugin's plain RTP side; default two
   * 500-port blocks between 20000 and 29999 chosen from the API port.
   */
  readonly webrtcPorts?: readonly [number, number];
  readonly rtpPorts?: readonly [number, number];
  /**
   * Where Janus gathers ICE candidates (its `ice_enforce_list`); default {@link defaultIceEnforceList}.
   */
  readonly iceEnforceList?: string;
  /** Janus debug level (0-7, 4 = info); default 4. */
  readonly debugLevel?: number;
  /** How long to wait for the API to answer `info`, in milliseconds; default 15000. */
  readonly startTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** A running Janus and how to reach it. */
export interface Janus {
  /** ws://127.0.0.1:<port> of the Janus API (subprotocol janus-protocol). */
  readonly wsUrl: string;
  /** ws://127.0.0.1:<port> of the Admin API (subprotocol janus-admin-protocol). */
  readonly adminWsUrl: string;
  /** The Admin API's secret, generated per start. */
  readonly adminSecret: string;
  readonly dir: string;
  readonly logFile: string;
  readonly process: ChildProcess;
  /** The gateway's variables for this Janus (MEDIA_ANCHOR=janus, JANUS_WS, JANUS_ADMIN_WS, JANUS_ADMIN_SECRET). */
  gatewayEnv(): Record<string, string>;
  /** The log written so far (the tail when it is large). */
  readLog(): string;
  /** Stops Janus (SIGTERM, then SIGKILL after 5 s) and removes a temporary state folder. */
  stop(): Promise<void>;
}

/**
 * "127." when a non-loopback interface carries a 127.0.0.0/8 address (the veth of the test
 * namespaces, scripts/lib/netns-run.sh): Janus 1.1.2 never gathers on loopback interfaces, so that
 * address is its only candidate and media stays on the host. Otherwise undefined: Janus uses the
 * machine's interfaces (npm start on a developer machine, with the browser on the same machine).
 */
export function defaultIceEnforceList(): string | undefined {
  const loopbackRange = Object.values(networkInterfaces())
    .flat()
    .some((a) => a && !a.internal && a.family === "IPv4" && a.address.startsWith("127."));
  return loopbackRange ? "127." : undefined;
}

/** Fails at once when janus is missing (`npm run setup` installs it). */
export function ensureJanus(): void {
  requirePackages(["janus"]);
}

export interface JanusConfigValues {
  readonly dir: string;
  readonly wsPort: number;
  readonly adminWsPort: number;
  readonly adminSecret: string;
  readonly webrtcPorts: readonly [number, number];
  readonly rtpPorts: readonly [number, number];
  readonly debugLevel: number;
  /**
   * Janus's ICE enforce list (interfaces or address prefixes to gather candidates on); undefined
   * lets it use every non-loopback interface.
   */
  readonly iceEnforceList: string | undefined;
}

/**
 * The configuration files (name → content) of a loopback Janus: plugins and transports folders
 * holding only NoSIP and WebSockets (links made by {@link startJanus}); ICE on 127.0.0.1 only, no
 * STUN/TURN, no mDNS; the Janus API and Admin API on 127.0.0.1; a session whose WebSocket closes
 * is kept for 30 s (reclaim_session_timeout), so that a restarted gateway can `claim` the sessions of
 * the calls it carries on; unclaimed, Janus destroys it then.
 */
export function janusConfigFiles(v: JanusConfigValues): Record<string, string> {
  const enforce = v.iceEnforceList ? `\tice_enforce_list = "${v.iceEnforceList}"\n` : "";
  return {
    "janus.jcfg": `general: {
	configs_folder = "${v.dir}"
	plugins_folder = "${join(v.dir, "plugins")}"
	transports_folder = "${join(v.dir, "transports")}"
	events_folder = "${join(v.dir, "none")}"
	loggers_folder = "${join(v.dir, "none")}"
	debug_level = ${v.debugLevel}
	debug_timestamps = true
	debug_colors = false
	admin_secret = "${v.adminSecret}"
	server_name = "camara-lab-janus"
	session_timeout = 60
	reclaim_session_timeout = 30
	protected_folders = ["/bin", "/boot", "/dev", "/etc", "/initrd", "/lib", "/lib32", "/lib64", "/proc", "/sbin", "/sys", "/usr", "/var"]
}
certificates: {
}
media: {
	rtp_port_range = "${v.webrtcPorts[0]}-${v.webrtcPorts[1]}"
	dtls_timeout = 500
}
nat: {
	nice_debug = false
	ignore_mdns = true
${enforce}}
plugins: {
}
transports: {
}
events: {
	broadcast = false
}
loggers: {
}
`,
    "janus.plugin.nosip.jcfg": `general: {
	local_ip = "127.0.0.1"
	sdp_ip = "127.0.0.1"
	rtp_port_range = "${v.rtpPorts[0]}-${v.rtpPorts[1]}"
	events = false
}
`,
    "janus.transport.websockets.jcfg": `general: {
	json = "plain"
	ws = true
	ws_port = ${v.wsPort}
	ws_ip = "127.0.0.1"
	wss = false
}
admin: {
	admin_ws = true
	admin_ws_port = ${v.adminWsPort}
	admin_ws_ip = "127.0.0.1"
	admin_wss = false
}
cors: {
}
certificates: {
}
`,
  };
}

/**
 * Starts Janus and resolves once its Janus API answers `info` with the NoSIP plugin loaded.
 * Rejects with the log when Janus exits or stays silent past the start timeout.
 */
export async function startJanus(options: JanusOptions = {}): Promise<Janus> {
  const log = options.log ?? (() => undefined);
  ensureJanus();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "camara-janus-"));
  mkdirSync(dir, { recursive: true });
  const wsPort = options.wsPort ?? (await freePort());
  let adminWsPort = options.adminWsPort ?? (await freePort());
  while (adminWsPort === wsPort) adminWsPort = await freePort();
  const base = 20000 + (wsPort % 10) * 1000;
  const webrtcPorts = options.webrtcPorts ?? [base, base + 499];
  const rtpPorts = options.rtpPorts ?? [base + 500, base + 999];
  const adminSecret = randomBytes(12).toString("hex");
  for (const folder of ["plugins", "transports", "none"]) {
    rmSync(join(dir, folder), { recursive: true, force: true });
    mkdirSync(join(dir, folder));
  }
  symlinkSync(join(janusLibDir(), "plugins", "libjanus_nosip.so"), join(dir, "plugins", "libjanus_nosip.so"));
  symlinkSync(
    join(janusLibDir(), "transports", "libjanus_websockets.so"),
    join(dir, "transports", "libjanus_websockets.so"),
  );
  const files = janusConfigFiles({
    dir,
    wsPort,
    adminWsPort,
    adminSecret,
    webrtcPorts,
    rtpPorts,
    debugLevel: options.debugLevel ?? 4,
    iceEnforceList: options.iceEnforceList ?? defaultIceEnforceList(),
  });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const logFile = join(dir, "janus.log");
  const fd = openSync(logFile, "a");
  const child = spawn("janus", ["-F", dir, "-C", join(dir, "janus.jcfg")], { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const readLog = () => {
    const text = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
    return text.length > 20_000 ? text.slice(-20_000) : text;
  };
  const wsUrl = `ws://127.0.0.1:${wsPort}`;
  const adminWsUrl = `ws://127.0.0.1:${adminWsPort}`;

  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`janus exited with ${child.exitCode}:\n${readLog()}`);
    const ready = await probe(wsUrl);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`janus did not answer info on ${wsUrl}:\n${readLog()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log(`janus ready: API ${wsUrl}, admin ${adminWsUrl}, ICE ports ${webrtcPorts.join("-")}, log ${logFile}`);

  let stopped = false;
  return {
    wsUrl,
    adminWsUrl,
    adminSecret,
    dir,
    logFile,
    process: child,
    gatewayEnv: () => ({
      MEDIA_ANCHOR: "janus",
      JANUS_WS: wsUrl,
      JANUS_ADMIN_WS: adminWsUrl,
      JANUS_ADMIN_SECRET: adminSecret,
    }),
    readLog,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.keepDir && !options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether the Janus API at `url` answers `info` with the NoSIP plugin loaded. */
async function probe(url: string): Promise<boolean> {
  const connection = await openJanusConnection({ url, timeoutMs: 500 }).catch(() => undefined);
  if (!connection) return false;
  try {
    const info = await connection.request({ janus: "info" });
    const plugins = info.plugins;
    return typeof plugins === "object" && plugins !== null && "janus.plugin.nosip" in plugins;
  } catch {
    return false;
  } finally {
    connection.close();
  }
}

async function main() {
  const program = new Command("janus").description("Runs the lab's Janus (NoSIP) on loopback");
  program
    .command("start")
    .option("--dir <dir>", "state folder (configuration, log)")
    .action(async (opts: { dir?: string }) => {
      const dir = opts.dir ?? join(process.cwd(), ".tmp", "lab", "janus");
      const janus = await startJanus({ dir, log: (line) => console.error(line) });
      writeFileSync(join(dir, "janus.supervisor.pid"), String(process.pid));
      for (const [k, v] of Object.entries(janus.gatewayEnv())) console.log(`export ${k}='${v}'`);
      const stop = () => void janus.stop().then(() => process.exit(0));
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      void janus.process.once("exit", (code) => {
        console.error(`janus exited with ${code}; log: ${janus.logFile}`);
        process.exit(1);
      });
    });
  program
    .command("stop")
    .option("--dir <dir>", "state folder given to start")
    .action((opts: { dir?: string }) => {
      const pidFile = join(opts.dir ?? join(process.cwd(), ".tmp", "lab", "janus"), "janus.supervisor.pid");
      if (!existsSync(pidFile)) return console.log("janus is not running");
      process.kill(Number(readFileSync(pidFile, "utf8")), "SIGTERM");
      rmSync(pidFile);
    });
  await program.parseAsync();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
