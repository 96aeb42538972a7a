#!/usr/bin/env -S node --import tsx
/**
 * The lab's media anchor: Debian's rtpengine daemon in userspace mode (no kernel module), bound to
 * loopback, run in the foreground as a child process that logs to a file in the lab state folder.
 *
 *   tsx scripts/lab/rtpengine.ts start [--dir DIR] [--ng-port N]   runs until SIGINT/SIGTERM
 *   tsx scripts/lab/rtpengine.ts stop --dir DIR                     stops one started with --dir
 *
 * Tests and the e2e tier use {@link startRtpengine} directly.
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { createNgClient } from "../../impl/engine/media/ng-client.ts";
import { requirePackages } from "../setup/debian-packages.ts";
import { freePort } from "./free-port.ts";

const HERE = fileURLToPath(new URL(".", import.meta.url));

export interface RtpengineOptions {
  /** Lab state folder (config, log, pid); default a fresh folder under the OS temp dir. */
  readonly dir?: string;
  /** Keep a default (temporary) state folder after stop, e.g. to read rtpengine.log; default false. */
  readonly keepDir?: boolean;
  /** UDP port of the ng listener on 127.0.0.1; default a free port. */
  readonly ngPort?: number;
  /** Media port range; default a 1000-port block between 30000 and 59999 chosen from the ng port. */
  readonly portMin?: number;
  readonly portMax?: number;
  /** rtpengine log level (syslog scale, 7 = debug); default 6 (info: one line per command). */
  readonly logLevel?: number;
  /** How long to wait for the ng listener to answer ping, in milliseconds; default 15000. */
  readonly startTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** A running rtpengine and how to reach it. */
export interface Rtpengine {
  readonly ngHost: "127.0.0.1";
  readonly ngPort: number;
  readonly portMin: number;
  readonly portMax: number;
  readonly dir: string;
  readonly logFile: string;
  readonly process: ChildProcess;
  /** The log written so far (the tail when it is large). */
  readLog(): string;
  /** Stops the daemon (SIGTERM, then SIGKILL after 5 s) and removes a temporary state folder. */
  stop(): Promise<void>;
}

/** Fails at once when rtpengine-daemon is missing (`npm run setup` installs it). */
export function ensureRtpengine(): void {
  requirePackages(["rtpengine-daemon"]);
}

/** Renders rtpengine.conf.template; placeholders are {{NAME}}. */
export function renderRtpengineConf(values: Record<string, string | number>): string {
  const template = readFileSync(join(HERE, "rtpengine.conf.template"), "utf8");
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`rtpengine.conf.template needs a value for ${name}`);
    return String(value);
  });
}

/**
 * Starts rtpengine and resolves once its ng listener answers `ping`. Rejects with the log when the
 * daemon exits or stays silent past the start timeout.
 */
export async function startRtpengine(options: RtpengineOptions = {}): Promise<Rtpengine> {
  const log = options.log ?? (() => undefined);
  ensureRtpengine();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "camara-rtpengine-"));
  mkdirSync(dir, { recursive: true });
  const ngPort = options.ngPort ?? (await freePort());
  const portMin = options.portMin ?? 30000 + (ngPort % 30) * 1000;
  const portMax = options.portMax ?? portMin + 999;
  const configFile = join(dir, "rtpengine.conf");
  const logFile = join(dir, "rtpengine.log");
  writeFileSync(
    configFile,
    renderRtpengineConf({
      INTERFACE: "127.0.0.1",
      NG_ADDRESS: `127.0.0.1:${ngPort}`,
      PORT_MIN: portMin,
      PORT_MAX: portMax,
      LOG_LEVEL: options.logLevel ?? 6,
    }),
  );
  const fd = openSync(logFile, "a");
  const child = spawn(
    "rtpengine",
    [`--config-file=${configFile}`, "--config-section=rtpengine", `--pidfile=${join(dir, "rtpengine.pid")}`],
    { stdio: ["ignore", fd, fd] },
  );
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const readLog = () => {
    const text = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
    return text.length > 20_000 ? text.slice(-20_000) : text;
  };

  const ng = createNgClient({ host: "127.0.0.1", port: ngPort, timeoutMs: 200, retries: 0 });
  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`rtpengine exited with ${child.exitCode}:\n${readLog()}`);
      const pong = await ng.request("ping").then(
        () => true,
        () => false,
      );
      if (pong) break;
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`rtpengine did not answer ping on 127.0.0.1:${ngPort}:\n${readLog()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await ng.close();
  }
  log(`rtpengine ready: ng on 127.0.0.1:${ngPort}, media ports ${portMin}-${portMax}, log ${logFile}`);

  let stopped = false;
  return {
    ngHost: "127.0.0.1",
    ngPort,
    portMin,
    portMax,
    dir,
    logFile,
    process: child,
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

async function main() {
  const program = new Command("rtpengine").description("Runs the lab's rtpengine on loopback");
  program
    .command("start")
    .option("--dir <dir>", "state folder (config, log, pid)")
    .option("--ng-port <port>", "ng listener UDP port on 127.0.0.1", (v) => Number(v))
    .action(async (opts: { dir?: string; ngPort?: number }) => {
      const dir = opts.dir ?? join(process.cwd(), ".tmp", "lab");
      const engine = await startRtpengine({
        dir,
        ...(opts.ngPort ? { ngPort: opts.ngPort } : {}),
        log: (line) => console.log(line),
      });
      writeFileSync(join(dir, "rtpengine.supervisor.pid"), String(process.pid));
      const stop = () => void engine.stop().then(() => process.exit(0));
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      void engine.process.once("exit", (code) => {
        console.error(`rtpengine exited with ${code}; log: ${engine.logFile}`);
        process.exit(1);
      });
    });
  program
    .command("stop")
    .option("--dir <dir>", "state folder given to start")
    .action((opts: { dir?: string }) => {
      const pidFile = join(opts.dir ?? join(process.cwd(), ".tmp", "lab"), "rtpengine.supervisor.pid");
      if (!existsSync(pidFile)) return console.log("rtpengine is not running");
      process.kill(Number(readFileSync(pidFile, "utf8")), "SIGTERM");
      rmSync(pidFile);
    });
  await program.parseAsync();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
