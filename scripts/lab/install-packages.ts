import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Debian packages the lab runs, each with a file that proves it is installed. */
export const LAB_PACKAGES: ReadonlyArray<{ readonly name: string; readonly provides: string }> = [
  { name: "kamailio", provides: "/usr/sbin/kamailio" },
  { name: "kamailio-websocket-modules", provides: `${kamailioModulesDir()}/websocket.so` },
  { name: "kamailio-extra-modules", provides: `${kamailioModulesDir()}/xhttp.so` },
  // SIP over TLS (RFC 3261 §26.2): the lab's optional TLS listener (LabOptions.tls).
  { name: "kamailio-tls-modules", provides: `${kamailioModulesDir()}/tls.so` },
  { name: "sip-tester", provides: "/usr/bin/sipp" },
];

/** Where Debian installs Kamailio's modules on this architecture. */
export function kamailioModulesDir(): string {
  const arch = process.arch === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  return `/usr/lib/${arch}/kamailio/modules`;
}

/**
 * Installs the lab's Debian packages when any is missing (apt-get update first, as the package
 * lists may be absent on a fresh machine). Throws with apt's output when the install fails.
 */
export function ensureLabPackages(log: (line: string) => void = () => undefined): void {
  const missing = LAB_PACKAGES.filter((p) => !existsSync(p.provides)).map((p) => p.name);
  if (missing.length === 0) return;
  log(`installing Debian packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args: string[]) => {
    const result = spawnSync("apt-get", args, { env, encoding: "utf8" });
    if (result.status !== 0)
      throw new Error(`apt-get ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  };
  run(["update", "-qq"]);
  run(["install", "-y", "-qq", "--no-install-recommends", ...missing]);
}
