import { existsSync, readdirSync } from "node:fs";

/**
 * Every Debian package a part of the project runs (`npm start`'s lab, the test tiers, the dev CA),
 * each with files that prove it is installed. `npm run setup` installs the missing ones; inside a
 * network namespace nothing can be downloaded, so the tiers only check (`requirePackages`).
 */
export interface DebianPackage {
  readonly name: string;
  /** Any one of these paths existing means the package is installed. */
  readonly provides: readonly string[];
  /** What needs it: `lab` (npm start), `tests` (the tiers in namespaces), `tools` (the dev CA). */
  readonly usedBy: ReadonlyArray<"lab" | "tests" | "tools">;
}

/** Debian's multiarch library folder on this architecture (`/usr/lib/<triplet>`). */
export function debianLibDir(): string {
  return `/usr/lib/${process.arch === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu"}`;
}

/** Where Debian installs Kamailio's modules on this architecture. */
export function kamailioModulesDir(): string {
  return `${debianLibDir()}/kamailio/modules`;
}

const modules = kamailioModulesDir();

/**
 * The server programs of the newest PostgreSQL major version installed (Debian puts initdb and
 * postgres under /usr/lib/postgresql/<major>/bin, outside PATH), or undefined.
 */
export function postgresBinDir(exists: (path: string) => boolean = existsSync): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!exists(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && exists(`${root}/${v}/bin/initdb`))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : `${root}/${versions[0]}/bin`;
}

export const DEBIAN_PACKAGES: readonly DebianPackage[] = [
  // netns-run.sh: the loopback-only namespaces of the integration tiers.
  { name: "iproute2", provides: ["/usr/sbin/ip", "/sbin/ip", "/bin/ip"], usedBy: ["tests"] },
  // The development CA (scripts/dev-ca) and test certificates.
  { name: "openssl", provides: ["/usr/bin/openssl"], usedBy: ["lab", "tests", "tools"] },
  { name: "kamailio", provides: ["/usr/sbin/kamailio"], usedBy: ["lab", "tests"] },
  { name: "kamailio-websocket-modules", provides: [`${modules}/websocket.so`], usedBy: ["lab", "tests"] },
  { name: "kamailio-extra-modules", provides: [`${modules}/xhttp.so`], usedBy: ["lab", "tests"] },
  // SIP over TLS (RFC 3261 §26.2): the lab's optional TLS listener.
  { name: "kamailio-tls-modules", provides: [`${modules}/tls.so`], usedBy: ["lab", "tests"] },
  { name: "sip-tester", provides: ["/usr/bin/sipp"], usedBy: ["lab", "tests"] },
  // Userspace forwarding only: no kernel module, no DKMS; the packaged service is never started.
  {
    name: "rtpengine-daemon",
    provides: ["/usr/bin/rtpengine", "/usr/sbin/rtpengine"],
    usedBy: ["lab", "tests"],
  },
  // RFC 3263 tests: a DNS server on loopback serving NAPTR/SRV/A records (no system service).
  { name: "dnsmasq-base", provides: ["/usr/sbin/dnsmasq"], usedBy: ["tests"] },
  // The PostgreSQL store (STORE=postgres): scripts/lab/postgres.ts runs a private cluster. The probe
  // is read when asked, so that it finds the version an install just brought.
  {
    name: "postgresql",
    get provides() {
      const bin = postgresBinDir();
      return bin ? [`${bin}/initdb`, `${bin}/postgres`] : ["/usr/lib/postgresql/<major>/bin/initdb"];
    },
    usedBy: ["lab", "tests"],
  },
  // The second media anchor (MEDIA_ANCHOR=janus): Janus with its NoSIP plugin, BUNDLE and rtcp-mux
  // towards the browser; the packaged service is never started (scripts/lab/janus.ts runs it).
  { name: "janus", provides: ["/usr/bin/janus"], usedBy: ["lab", "tests"] },
  // The HTTP balancer in front of the gateway nodes (npm run lab:cluster, the cluster tier).
  { name: "haproxy", provides: ["/usr/sbin/haproxy"], usedBy: ["lab", "tests"] },
  // The browser the events (relay) and e2e tiers drive through playwright-core; never a download.
  { name: "chromium", provides: ["/usr/bin/chromium"], usedBy: ["tests"] },
  {
    name: "fonts-dejavu-core",
    provides: ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
    usedBy: ["tests"],
  },
];

export type PackageUse = DebianPackage["usedBy"][number];

/** The packages that `use` needs (all of them without an argument). */
export function packagesFor(use?: PackageUse): readonly DebianPackage[] {
  return use ? DEBIAN_PACKAGES.filter((p) => p.usedBy.includes(use)) : DEBIAN_PACKAGES;
}

/** Names of the packages among `packages` that are not installed. */
export function missingPackages(
  packages: readonly DebianPackage[] = DEBIAN_PACKAGES,
  exists: (path: string) => boolean = existsSync,
): string[] {
  return packages.filter((p) => !p.provides.some(exists)).map((p) => p.name);
}

/** Thrown where a package is needed and cannot be installed (inside a namespace, at run time). */
export class MissingPackageError extends Error {
  constructor(readonly packages: readonly string[]) {
    super(
      `missing Debian package${packages.length > 1 ? "s" : ""} ${packages.join(", ")}: run \`npm run setup\` ` +
        "(outside any network namespace) to install the project's prerequisites",
    );
    this.name = "MissingPackageError";
  }
}

/**
 * Fails at once, naming the packages and `npm run setup`, when any of `names` is not installed.
 * Never installs: this runs where no archive can be reached.
 */
export function requirePackages(
  names: readonly string[],
  exists: (path: string) => boolean = existsSync,
): void {
  const wanted = names.map((name) => {
    const known = DEBIAN_PACKAGES.find((p) => p.name === name);
    if (!known) throw new Error(`requirePackages: ${name} is not in DEBIAN_PACKAGES`);
    return known;
  });
  const missing = missingPackages(wanted, exists);
  if (missing.length > 0) throw new MissingPackageError(missing);
}
