import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { postgresBinDir, requirePackages } from "../setup/debian-packages.ts";
import { freePort } from "./free-port.ts";

export interface PostgresLabOptions {
  /**
   * Folder of the private cluster (`cluster/` and its password); reused when it already holds one
   * (`npm start` keeps its data in `$DATA_DIR/lab/postgres`). Default: a fresh temporary folder,
   * removed by stop(). Run as root, the folder and its parents must be reachable by the `postgres`
   * system user, which the server runs as.
   */
  readonly dir?: string;
  /** Loopback TCP port; default a free one. */
  readonly port?: number;
  readonly log?: (line: string) => void;
  /** More server settings (`-c name=value`), e.g. for a benchmark's statement statistics. */
  readonly settings?: Readonly<Record<string, string>>;
}

/** A private PostgreSQL server on 127.0.0.1, a child of this process (`postgres` in the foreground). */
export interface PostgresLab {
  readonly host: "127.0.0.1";
  readonly port: number;
  readonly dir: string;
  /** The superuser's connection string for `database` (default `postgres`). */
  url(database?: string): string;
  /** Creates a database unless it exists (one per test, or `npm start`'s) and returns its connection string. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown (SIGINT: open sessions are ended); the cluster stays for start(). */
  stop(): Promise<void>;
  /** Immediate shutdown (SIGQUIT), as a crash: no checkpoint, the next start recovers from the WAL. */
  crash(): Promise<void>;
  /** Starts the server again on the same folder and port (after stop or crash). */
  start(): Promise<void>;
  /** Stops the server and removes a temporary folder. */
  close(): Promise<void>;
}

const USER = "camara";

/**
 * How the server's commands run. PostgreSQL refuses to run as root ("root execution of the
 * PostgreSQL server is not permitted"), so as root they run as Debian's `postgres` system user
 * through setpriv, which execs (no intermediate process: signals reach the postmaster itself).
 */
function asServerUser(): { prefix: string[]; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return {
    prefix: ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"],
    uid,
    gid,
  };
}

/** Runs initdb once for `dir`: a superuser `camara` with a random password, scram-sha-256 on TCP. */
function initCluster(dir: string, bin: string, user: ReturnType<typeof asServerUser>, temporary: boolean) {
  const cluster = join(dir, "cluster");
  const passwordFile = join(dir, "password");
  if (existsSync(join(cluster, "PG_VERSION")))
    return { cluster, password: readFileSync(passwordFile, "utf8") };
  mkdirSync(cluster, { recursive: true, mode: 0o700 });
  const password = randomBytes(18).toString("hex");
  writeFileSync(passwordFile, password, { mode: 0o600 });
  if (user.uid !== undefined && user.gid !== undefined) {
    chownSync(dir, user.uid, user.gid);
    chownSync(cluster, user.uid, user.gid);
    chownSync(passwordFile, user.uid, user.gid);
  }
  if (
    user.prefix.length > 0 &&
    spawnSync(user.prefix[0] as string, [...user.prefix.slice(1), "test", "-r", passwordFile]).status !== 0
  )
    throw new Error(
      `the postgres system user cannot reach ${dir}: make its parent folders searchable by others (chmod o+x) or choose a folder under ${tmpdir()}`,
    );
  const [command, ...args] = [
    ...user.prefix,
    join(bin, "initdb"),
    "-D",
    cluster,
    "-U",
    USER,
    `--pwfile=${passwordFile}`,
    "--auth=scram-sha-256",
    "--encoding=UTF8",
    "--locale=C",
    // A throwaway cluster need not be flushed to disk before it is used (the server's own commits are).
    ...(temporary ? ["--no-sync"] : []),
  ];
  try {
    execFileSync(command as string, args, { stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`initdb failed in ${cluster}:\n${stderr}`);
  }
  return { cluster, password };
}

/**
 * Starts PostgreSQL for tests, benchmarks and `npm start`: fails at once when the Debian package is
 * missing (`npm run setup` installs it; nothing is installed here, which may run inside a
 * namespace), creates the cluster when the folder has none, runs `postgres` in the foreground on
 * 127.0.0.1 only (no unix socket), and resolves once it accepts a connection.
 */
export async function startPostgres(options: PostgresLabOptions = {}): Promise<PostgresLab> {
  const log = options.log ?? (() => undefined);
  requirePackages(["postgresql"]);
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL's server programs are not under /usr/lib/postgresql/<version>/bin");
  const temporary = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "camara-pg-"));
  mkdirSync(dir, { recursive: true });
  const user = asServerUser();
  const { cluster, password } = initCluster(dir, bin, user, temporary);
  const port = options.port ?? (await freePort());
  const url = (database = "postgres") =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  let server: ChildProcess | undefined;
  const output: string[] = [];

  const start = async () => {
    const [command, ...args] = [
      ...user.prefix,
      join(bin, "postgres"),
      "-D",
      cluster,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=200",
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    ];
    const child = spawn(command as string, args, { stdio: ["ignore", "pipe", "pipe"] });
    server = child;
    const keep = (d: Buffer) => {
      output.push(d.toString());
      if (output.length > 500) output.splice(0, 250);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    // Recovery after a crash replays the WAL written since the last checkpoint: slow on a busy machine.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 1000 });
      const ok = await client.connect().then(
        () => true,
        () => false,
      );
      await client.end().catch(() => undefined);
      if (ok) break;
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGQUIT");
        throw new Error(`PostgreSQL did not start:\n${output.join("").slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    log(`postgresql ready on 127.0.0.1:${port}, cluster in ${cluster}`);
  };

  const signal = async (name: NodeJS.Signals) => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(name);
    const timer = setTimeout(() => child.kill("SIGQUIT"), 10_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    host: "127.0.0.1",
    port,
    dir,
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop: () => signal("SIGINT"),
    crash: () => signal("SIGQUIT"),
    start,
    async close() {
      await signal("SIGINT");
      if (temporary) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
