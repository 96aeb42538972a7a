import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { ApiError } from "camara-webrtc-runtime";
import { type AddressClass, classifyAddress } from "./address-class.ts";

/**
 * Which sinks the gateway may contact, decided once at subscription creation (SSRF defence) and
 * again before each delivery.
 *
 * - An allow-listed `host:port` is always accepted and delivered to; when it is on loopback, its
 *   certificate is verified against the development CA (and only then is that CA trusted).
 * - Otherwise a sink whose host is, or (in production only) resolves to, a loopback, private,
 *   link-local, reserved or cloud-metadata address is refused with 400 INVALID_SINK.
 * - In development and test, sinks that are not allow-listed are accepted but their deliveries are
 *   held in the outbox: no DNS lookup, no connection, nothing leaves the machine. Upstream examples
 *   such as https://notificationServer.opentelco.com are accepted this way.
 */
export interface SinkPolicy {
  /** Throws ApiError INVALID_SINK for a refused sink; resolves how deliveries to it are made. */
  admit(sink: string): Promise<SinkVerdict>;
  /** The verdict for a sink already admitted, without DNS (deliveries re-check addresses on connect). */
  deliveryMode(sink: string): SinkVerdict;
}

export type SinkVerdict =
  | { readonly kind: "deliver"; readonly trust: "dev-ca" | "public" }
  | { readonly kind: "hold"; readonly reason: string };

export interface SinkPolicyOptions {
  readonly environment: "development" | "test" | "production";
  /** `host:port` entries (`[::1]:8443` for IPv6), compared case-insensitively. */
  readonly allowlist: readonly string[];
  /** DNS resolution, production only. Default: all addresses from the system resolver. */
  readonly resolve?: (host: string) => Promise<string[]>;
}

/** Host names that always mean loopback or a metadata service, whatever DNS would say. */
const SPECIAL_NAMES: ReadonlyArray<[RegExp, AddressClass]> = [
  [/^localhost$|\.localhost$/, "loopback"],
  [
    /^metadata$|^metadata\.google\.internal$|^metadata\.goog$|^instance-data(\.ec2\.internal)?$/,
    "cloud-metadata",
  ],
];

/** `host:port` of a URL, lower-case, IPv6 in brackets, default port 443 for https. */
export function hostPort(url: URL): string {
  return `${url.hostname.toLowerCase().replace(/\.$/, "")}:${url.port || "443"}`;
}

function refuse(sink: string, why: string): ApiError {
  return new ApiError("INVALID_SINK", `sink ${sink} is not accepted: ${why}.`);
}

export function createSinkPolicy(options: SinkPolicyOptions): SinkPolicy {
  const allowed = new Set(options.allowlist.map((e) => e.trim().toLowerCase()).filter(Boolean));
  const production = options.environment === "production";
  const resolveHost =
    options.resolve ?? (async (host: string) => (await lookup(host, { all: true })).map((a) => a.address));

  /** The class of a literal or specially named host, without DNS. */
  function literalClass(hostname: string): AddressClass | undefined {
    const bare = hostname
      .replace(/^\[|\]$/g, "")
      .replace(/\.$/, "")
      .toLowerCase();
    if (isIP(bare)) return classifyAddress(bare);
    return SPECIAL_NAMES.find(([pattern]) => pattern.test(bare))?.[1];
  }

  function parse(sink: string): URL {
    if (!URL.canParse(sink)) throw refuse(sink, "it is not a URL");
    const url = new URL(sink);
    if (url.protocol !== "https:") throw refuse(sink, "only https sinks are delivered to");
    if (url.username || url.password) throw refuse(sink, "it must not carry user information");
    return url;
  }

  function verdict(url: URL): SinkVerdict {
    if (allowed.has(hostPort(url))) {
      return { kind: "deliver", trust: literalClass(url.hostname) === "loopback" ? "dev-ca" : "public" };
    }
    if (!production) return { kind: "hold", reason: `${hostPort(url)} is not in EVENT_SINK_ALLOWLIST` };
    return { kind: "deliver", trust: "public" };
  }

  // deliveryMode runs for every event (when it is written and when it is sent); its answer depends on
  // the sink URL and the fixed configuration only, so it is worked out once per sink.
  const modes = new Map<string, SinkVerdict>();
  const MAX_REMEMBERED = 10_000;

  return {
    async admit(sink) {
      const url = parse(sink);
      if (allowed.has(hostPort(url))) return verdict(url);
      const literal = literalClass(url.hostname);
      if (literal) throw refuse(sink, `its host is a ${literal} address`);
      if (production && !isIP(url.hostname.replace(/^\[|\]$/g, ""))) {
        let addresses: string[];
        try {
          addresses = await resolveHost(url.hostname);
        } catch {
          throw refuse(sink, "its host name does not resolve");
        }
        for (const address of addresses) {
          const kind = classifyAddress(address);
          if (kind) throw refuse(sink, `its host resolves to a ${kind} address`);
        }
      }
      return verdict(url);
    },
    deliveryMode(sink) {
      let mode = modes.get(sink);
      if (!mode) {
        mode = Object.freeze(verdict(new URL(sink)));
        if (modes.size >= MAX_REMEMBERED) modes.clear();
        modes.set(sink, mode);
      }
      return mode;
    },
  };
}
