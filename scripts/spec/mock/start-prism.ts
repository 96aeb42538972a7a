import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { OpenApiDocument } from "../../codegen/effective-spec.ts";
import { fromRoot } from "../../lib/paths.ts";
import { prismDocument } from "./prism-document.ts";
import { type PrismViolation, parsePrismLine } from "./prism-log.ts";

/** The Prism CLI installed with the project (@stoplight/prism-cli). */
export const PRISM_BIN = fromRoot("node_modules", ".bin", "prism");

/** Prism listens on loopback only. */
export const PRISM_HOST = "127.0.0.1";

export interface PrismOptions {
  /** `mock` answers from the spec's examples and schemas; `proxy` validates traffic to `upstream`. */
  readonly mode: "mock" | "proxy";
  readonly spec: OpenApiDocument;
  /** Base URL of the gateway behind the proxy (its root: paths keep the server base path). */
  readonly upstream?: string;
  /** TCP port; default: a free one. */
  readonly port?: number;
  /** More Prism CLI flags, e.g. `--dynamic` or `--errors`. */
  readonly args?: readonly string[];
  readonly onViolation?: (violation: PrismViolation) => void;
  readonly onLine?: (line: string) => void;
  /** How long Prism may take to start, in ms; default 30 000. */
  readonly startTimeoutMs?: number;
}

export interface PrismServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Every violation logged so far. */
  readonly violations: PrismViolation[];
  /** Every line Prism printed. */
  readonly log: string[];
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, PRISM_HOST, () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Starts Prism (as a child process, from node_modules) on a loopback port with the spec made
 * Prism-safe (see prism-document.ts), and resolves once it listens.
 */
export async function startPrism(options: PrismOptions): Promise<PrismServer> {
  if (options.mode === "proxy" && !/^https?:\/\//.test(options.upstream ?? "")) {
    throw new Error(`proxy needs an http(s) upstream URL, not ${JSON.stringify(options.upstream)}`);
  }
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "camara-prism-"));
  const file = join(dir, "openapi.json");
  writeFileSync(file, JSON.stringify(prismDocument(options.spec), null, 2));
  const args = [options.mode, file, ...(options.mode === "proxy" ? [String(options.upstream)] : [])];
  args.push("--host", PRISM_HOST, "--port", String(port), ...(options.args ?? []));
  const child = spawn(PRISM_BIN, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const violations: PrismViolation[] = [];
  const log: string[] = [];
  let current: string | undefined;
  let listening: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    listening = resolve;
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      log.push(line);
      options.onLine?.(line);
      const event = parsePrismLine(line, current);
      if (event?.type === "listening") listening();
      else if (event?.type === "request") current = event.request;
      else if (event?.type === "violation") {
        violations.push(event.violation);
        options.onViolation?.(event.violation);
      }
    });
  }
  const cleanup = async () => {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const exited = new Promise<never>((_, reject) => {
    child.once("exit", (code) =>
      reject(new Error(`Prism exited (${code}) before listening:\n${log.join("\n")}`)),
    );
    child.once("error", reject);
  });
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Prism did not listen within ${timeoutMs} ms:\n${log.join("\n")}`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([started, exited, timeout]);
  } catch (error) {
    await cleanup();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  exited.catch(() => {}); // after start, an exit is reported by close()
  return { url: `http://${PRISM_HOST}:${port}`, port, violations, log, close: cleanup };
}
