#!/usr/bin/env -S node --import tsx
/**
 * The development certificate authority: a private CA and one loopback server certificate it signs
 * (`localhost`, `127.0.0.1`, `::1`), so that event sinks served on loopback (the conformance sink
 * receiver, the notification relay) can speak HTTPS as the spec's `^https://` sink pattern requires,
 * and the gateway can verify them without ever disabling certificate checks.
 *
 * Made by the tools, never by the gateway: `npm start` and the test kits create it under
 * `data/dev-ca` (never committed: `data/` is ignored) with Debian's `openssl` (`npm run setup`
 * installs it), and the gateway reads the files from its configuration (DEV_CA_DIR or the
 * RELAY_TLS_* / EVENT_SINK_CA_FILE variables). Creation is atomic: the files are made in a temporary folder
 * renamed into place, so concurrent first starts agree on one CA.
 *
 *   npm run dev-ca [-- <dir>]     creates (or shows) the CA and prints its files
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { requirePackages } from "../setup/debian-packages.ts";

/** The files of a development CA, as PEM text and paths. */
export interface DevCa {
  readonly dir: string;
  /** Path of the CA certificate (PEM): what a client trusts for loopback sinks. */
  readonly caFile: string;
  readonly caCertPem: string;
  /** Server certificate for localhost, 127.0.0.1 and ::1, signed by the CA. */
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
  /** Paths of the server certificate and its key (RELAY_TLS_CERT_FILE, RELAY_TLS_KEY_FILE). */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
}

const FILES = { ca: "ca.pem", caKey: "ca-key.pem", cert: "server.pem", key: "server-key.pem" } as const;
/** Validity of both certificates, days. Short enough to be obviously not for production use. */
const VALID_DAYS = 825;

function ensureOpenssl(): void {
  requirePackages(["openssl"]);
}

function openssl(cwd: string, args: string[]): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** Makes a CA and a loopback server certificate in `dir` (which must be empty). */
function create(dir: string, dnsNames: readonly string[]): void {
  ensureOpenssl();
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    FILES.caKey,
    "-out",
    FILES.ca,
    "-days",
    String(VALID_DAYS),
    "-subj",
    "/CN=camara-webrtc-gateway development CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE,pathlen:0",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  openssl(dir, ["req", "-new", ...ec, "-keyout", FILES.key, "-out", "server.csr", "-subj", "/CN=localhost"]);
  writeFileSync(
    join(dir, "server.ext"),
    [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
      `subjectAltName=${["DNS:localhost", "IP:127.0.0.1", "IP:::1", ...dnsNames.map((n) => `DNS:${n}`)].join(",")}`,
      "",
    ].join("\n"),
  );
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    FILES.ca,
    "-CAkey",
    FILES.caKey,
    "-CAcreateserial",
    "-out",
    FILES.cert,
    "-days",
    String(VALID_DAYS),
    "-sha256",
    "-extfile",
    "server.ext",
  ]);
  for (const scratch of ["server.csr", "server.ext", "ca.srl"]) rmSync(join(dir, scratch), { force: true });
}

function read(dir: string): DevCa {
  return {
    dir,
    caFile: join(dir, FILES.ca),
    caCertPem: readFileSync(join(dir, FILES.ca), "utf8"),
    serverCertPem: readFileSync(join(dir, FILES.cert), "utf8"),
    serverKeyPem: readFileSync(join(dir, FILES.key), "utf8"),
    serverCertFile: join(dir, FILES.cert),
    serverKeyFile: join(dir, FILES.key),
  };
}

/**
 * Returns the development CA in `dir`, creating it on first use. Safe to call from several
 * processes at once: the first rename wins and the others read what it made. `dnsNames` are added
 * to the server certificate's names when it is created (tests of a proxy located through DNS).
 */
export function ensureDevCa(dir: string, dnsNames: readonly string[] = []): DevCa {
  const target = resolve(dir);
  if (existsSync(join(target, FILES.key))) return read(target);
  mkdirSync(dirname(target), { recursive: true });
  const scratch = mkdtempSync(`${target}.tmp-`);
  try {
    create(scratch, dnsNames);
    try {
      renameSync(scratch, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another process created it first (the target exists and is not empty).
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return read(target);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ca = ensureDevCa(process.argv[2] ?? "data/dev-ca");
  console.log(`development CA: ${ca.caFile}\nserver certificate: ${join(ca.dir, FILES.cert)}`);
}
