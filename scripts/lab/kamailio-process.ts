import { type ChildProcess, execFile, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** A Kamailio run in the foreground for the lab or the SIP edge. */
export interface KamailioProcess {
  readonly process: ChildProcess;
  /** Runs an RPC command through kamcmd on the run's control socket and returns its output (numbers go as integers). */
  kamcmd(...args: Array<string | number>): Promise<string>;
  /** Writes the log to `<dir>/kamailio.log`, then SIGTERM (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/**
 * Runs `kamailio -DD` on `cfgFile` with its state in `dir` (pid file, control socket
 * `kamailio.ctl`), and resolves once kamcmd answers and every one of `tcpPorts` on 127.0.0.1
 * accepts connections. Rejects with the log's tail when it exits or stays silent for 15 s.
 */
export async function runKamailio(o: {
  readonly cfgFile: string;
  readonly dir: string;
  /** Shared and private memory, MB. */
  readonly sharedMb: number;
  readonly pkgMb: number;
  readonly tcpPorts: readonly number[];
  /** Names the run in the start-up error ("Kamailio", "the SIP edge"). */
  readonly name: string;
}): Promise<KamailioProcess> {
  const logLines: string[] = [];
  const kamailio = spawn(
    "kamailio",
    [
      ...["-DD", "-E", "-f", o.cfgFile, "-P", join(o.dir, "kamailio.pid")],
      ...["-m", String(o.sharedMb), "-M", String(o.pkgMb), "-Y", o.dir],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const onData = (d: Buffer) => {
    logLines.push(d.toString());
    if (logLines.length > 2000) logLines.splice(0, 1000);
  };
  kamailio.stdout?.on("data", onData);
  kamailio.stderr?.on("data", onData);
  const exited = new Promise<void>((resolve) => kamailio.once("exit", () => resolve()));
  const ctl = join(o.dir, "kamailio.ctl");
  const kamcmd = async (...args: Array<string | number>) => {
    // "s:" makes kamcmd pass the argument as a string (it would read "+34600000001" as an integer).
    const { stdout } = await execFileAsync("kamcmd", [
      "-s",
      `unix:${ctl}`,
      ...args.map((a, i) => (i === 0 || typeof a === "number" ? String(a) : `s:${a}`)),
    ]);
    return stdout;
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await kamcmd("core.version").then(
      () => true,
      () => false,
    );
    if (ok && (await Promise.all(o.tcpPorts.map(tcpOpen))).every(Boolean)) break;
    if (kamailio.exitCode !== null || Date.now() > deadline) {
      kamailio.kill("SIGKILL");
      throw new Error(`${o.name} did not start:\n${logLines.join("").slice(-8000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let stopped = false;
  return {
    process: kamailio,
    kamcmd,
    async stop() {
      if (stopped) return;
      stopped = true;
      writeFileSync(join(o.dir, "kamailio.log"), logLines.join(""));
      if (kamailio.exitCode === null) {
        kamailio.kill("SIGTERM");
        const timer = setTimeout(() => kamailio.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * The registrar controls both Kamailio configurations share (the lab's and the edge's): subscriber
 * credentials in the `creds` htable, contacts in usrloc's `location` table.
 */
export function registrarControls(kamcmd: KamailioProcess["kamcmd"]) {
  return {
    /** Removes a subscriber's credentials: its next REGISTER is refused with 403. */
    async deleteSubscriber(number: string): Promise<void> {
      await kamcmd("htable.delete", "creds", number);
    },
    /** Removes every registered contact of a number (network-side de-registration). */
    async removeRegistrations(number: string): Promise<void> {
      await kamcmd("ul.rm", "location", number).catch(() => undefined);
    },
    /** The contacts the registrar holds for a number (usrloc AOR dump), or "" if none. */
    registrations: (number: string): Promise<string> =>
      kamcmd("ul.lookup", "location", number).catch(() => ""),
  };
}
