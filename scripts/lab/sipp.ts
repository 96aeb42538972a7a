import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Folder of the SIPp scenario files kept in the repository. */
export const SCENARIOS_DIR = fileURLToPath(new URL("./scenarios/", import.meta.url));

export interface SippOptions {
  /** Scenario file name in scripts/lab/scenarios (or an absolute path). */
  readonly scenario: string;
  /** Where SIPp sends (the lab's Kamailio): host:port. */
  readonly remote: string;
  readonly transport: "udp" | "tcp";
  /** Local port SIPp binds (a UAS listens on it). */
  readonly localPort: number;
  /** -s: the user part of the Request-URI a UAC calls. */
  readonly service?: string;
  /** -m: calls before SIPp exits (default 1). */
  readonly calls?: number;
  /** -r/-rp: call rate for load. */
  readonly rate?: { readonly calls: number; readonly perMs: number };
  /** -l: concurrent calls limit. */
  readonly limit?: number;
  /** Values put into the scenario file before SIPp reads it: `__NAME__` → value (e.g. a response code, which SIPp does not take from variables). */
  readonly template?: Readonly<Record<string, string | number>>;
  /** -set name value: scenario variables ([$name]). */
  readonly vars?: Readonly<Record<string, string | number>>;
  /** Hard stop, ms (default 60 s): bounded in time whatever the scenario does. */
  readonly timeoutMs?: number;
  /** Extra SIPp arguments. */
  readonly extra?: readonly string[];
}

export interface SippRun {
  readonly process: ChildProcess;
  /** Resolves once SIPp is up (bound its port), rejects with its output if it exits first. */
  readonly ready: Promise<void>;
  /** Resolves when SIPp exits: its exit code (0 = every call passed) and the messages it traced. */
  readonly done: Promise<{ code: number | null; messages: string; errors: string; output: string }>;
  stop(): void;
}

/**
 * Runs one SIPp instance (Debian sip-tester) as a remote endpoint on 127.0.0.1. SIPp exits 0 when
 * every call of the scenario succeeded, which includes its own checks (regexp actions with
 * check_it, expected messages in order).
 */
export function runSipp(options: SippOptions): SippRun {
  const dir = mkdtempSync(join(tmpdir(), "sipp-"));
  let scenario = options.scenario.startsWith("/") ? options.scenario : join(SCENARIOS_DIR, options.scenario);
  if (!existsSync(scenario)) throw new Error(`no SIPp scenario ${scenario}`);
  if (options.template) {
    let text = readFileSync(scenario, "utf8");
    for (const [name, value] of Object.entries(options.template))
      text = text.replaceAll(`__${name.toUpperCase()}__`, String(value));
    scenario = join(dir, "scenario.xml");
    writeFileSync(scenario, text);
  }
  const args = [
    options.remote,
    "-sf",
    scenario,
    "-t",
    options.transport === "tcp" ? "t1" : "u1",
    "-i",
    "127.0.0.1",
    "-p",
    String(options.localPort),
    "-m",
    String(options.calls ?? 1),
    "-bg",
    "-nostdin",
    "-trace_msg",
    "-message_file",
    join(dir, "messages.log"),
    "-trace_err",
    "-error_file",
    join(dir, "errors.log"),
    "-timeout_error",
    "-max_recv_loops",
    "10000",
    "-timeout",
    `${Math.ceil((options.timeoutMs ?? 60_000) / 1000)}s`,
    ...(options.service ? ["-s", options.service] : []),
    ...(options.rate ? ["-r", String(options.rate.calls), "-rp", `${options.rate.perMs}ms`] : []),
    ...(options.limit ? ["-l", String(options.limit)] : []),
    ...Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["-set", k, String(v)]),
    ...(options.extra ?? []),
  ];
  // -bg would daemonise; we keep SIPp as our child instead, so drop it.
  const child = spawn(
    "sipp",
    args.filter((a) => a !== "-bg"),
    { stdio: ["ignore", "pipe", "pipe"], cwd: dir },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  });
  child.stderr?.on("data", (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  });
  const hard = setTimeout(() => child.kill("SIGKILL"), (options.timeoutMs ?? 60_000) + 5000);
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : "");
  const done = new Promise<{ code: number | null; messages: string; errors: string; output: string }>(
    (resolve) => {
      child.once("exit", (code) => {
        clearTimeout(hard);
        resolve({ code, messages: read("messages.log"), errors: read("errors.log"), output });
        // The traces are in the result now; SIPP_KEEP_DIR=1 keeps the folder for a look at SIPp's own files.
        if (!process.env.SIPP_KEEP_DIR) rmSync(dir, { recursive: true, force: true });
      });
    },
  );
  const ready = (async () => {
    const deadline = Date.now() + 5000;
    // SIPp binds its socket once the scenario has parsed; a UAS over UDP gets a short grace period.
    for (;;) {
      if (child.exitCode !== null) {
        const result = await done;
        throw new Error(`SIPp exited early (${result.code}):\n${result.output}`);
      }
      if (options.transport === "tcp" ? await tcpOpen(options.localPort) : Date.now() > deadline - 4700)
        return;
      if (Date.now() > deadline) throw new Error(`SIPp did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  ready.catch(() => undefined);
  return {
    process: child,
    ready,
    done,
    stop: () => {
      if (child.exitCode === null) child.kill("SIGTERM");
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
