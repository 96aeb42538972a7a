import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ensureDevCa } from "../../scripts/dev-ca/dev-ca.ts";
import { repoRoot } from "../run/feature-sources.ts";

/**
 * The project's gateway as a conformance target: `node --import tsx impl/server.ts` started by path
 * (the suite never imports impl/), on 127.0.0.1 and an ephemeral port, with its own data folder,
 * the embedded development issuer, and one loopback port allow-listed as a notification sink.
 */
export interface GatewayProcess {
  readonly apiRoot: string;
  /** DATA_DIR of this gateway; its development CA is in `dev-ca/`. */
  readonly dataDir: string;
  /** The loopback port allow-listed for the suite's sink (EVENT_SINK_ALLOWLIST). */
  readonly sinkPort: number;
  /** PEM files of a sink certificate the gateway trusts (issued by its development CA). */
  readonly sinkCertFile: string;
  readonly sinkKeyFile: string;
  readonly logs: readonly string[];
  stop(): Promise<void>;
}

export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

/** Starts the gateway and resolves once GET /readyz answers 200. */
export async function startGateway(
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<GatewayProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "camara-conformance-gw-"));
  // The development CA is the tools' (the gateway only reads it): one per gateway, in its DATA_DIR.
  const devCa = ensureDevCa(join(dataDir, "dev-ca"));
  const sinkPort = await freeLoopbackPort();
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "impl", "server.ts")],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: "0",
        HOST: "127.0.0.1",
        NODE_ENV: "test",
        LOG_LEVEL: "info", // "gateway listening" (info) carries the port
        DATA_DIR: dataDir,
        EVENT_SINK_ALLOWLIST: `127.0.0.1:${sinkPort}`,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const logs: string[] = [];
  child.stderr?.on("data", (d: Buffer) => logs.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`gateway did not start:\n${logs.join("")}`)),
        timeoutMs,
      );
      void exited.then((code) => reject(new Error(`gateway exited with ${code}:\n${logs.join("")}`)));
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
        logs.push(line);
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === "gateway listening" && entry.port) {
            clearTimeout(timer);
            resolve(entry.port);
          }
        } catch {
          // not a log line
        }
      });
    });
    const apiRoot = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + timeoutMs;
    while (
      (await fetch(`${apiRoot}/readyz`).then(
        (r) => r.status,
        () => 0,
      )) !== 200
    ) {
      if (Date.now() > deadline) throw new Error(`gateway never became ready:\n${logs.join("")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      apiRoot,
      dataDir,
      sinkPort,
      sinkCertFile: devCa.serverCertFile,
      sinkKeyFile: devCa.serverKeyFile,
      logs,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
