import { DEFAULT_RELEASE, SUITE_RELEASES, suiteRelease } from "../run/suite-release.ts";
import { Section } from "./config-reader.ts";
import {
  type PlaceholderBinding,
  RESOURCE_KINDS,
  type ResourceKind,
  type TargetConfig,
  TOKEN_PROFILES,
  type TokenProfile,
  type TokenSource,
} from "./target-config.ts";

/**
 * Reads a parsed target configuration document (see conformance/README.md "Target configuration"),
 * pushing each problem into `problems`. `{apiRoot}` in strings is replaced by the effective apiRoot
 * (`overrides.apiRoot`, i.e. `--target`, wins over the file; `overrides.release`, `--release`, too).
 */
export function readTargetConfig(
  raw: unknown,
  problems: string[],
  overrides: { apiRoot?: string; release?: string },
): TargetConfig {
  const root = new Section(raw, "", problems);
  const apiRoot = overrides.apiRoot
    ? new Section({ apiRoot: overrides.apiRoot }, "--target", problems).url("apiRoot")
    : root.url("apiRoot");
  const release = overrides.release
    ? new Section({ release: overrides.release }, "", problems).oneOf(
        "release",
        DEFAULT_RELEASE,
        SUITE_RELEASES,
      )
    : root.oneOf("release", DEFAULT_RELEASE, SUITE_RELEASES);
  const withRoot = (s: string) => s.replaceAll("{apiRoot}", apiRoot);

  const auth = root.section("auth");
  const oauth2Section = auth.section("oauth2");
  const oauth2 = auth.has("oauth2")
    ? {
        tokenUrl: withRoot(oauth2Section.string("tokenUrl")),
        clientId: oauth2Section.string("clientId"),
        clientSecret: oauth2Section.string("clientSecret"),
        clientAuth: oauth2Section.oneOf("clientAuth", "basic", ["basic", "post"] as const),
      }
    : undefined;
  const profilesSection = auth.section("profiles");
  const profiles = {} as Record<TokenProfile, TokenSource>;
  for (const name of TOKEN_PROFILES) {
    profiles[name] = readTokenSource(profilesSection.section(name), name, oauth2 !== undefined, problems);
  }
  for (const extra of profilesSection
    .keys()
    .filter((k) => !(TOKEN_PROFILES as readonly string[]).includes(k))) {
    profilesSection.problem(extra, `is not a token profile; profiles are ${TOKEN_PROFILES.join(", ")}.`);
  }

  const placeholders: Record<string, PlaceholderBinding> = {};
  const placeholderSection = root.section("placeholders");
  for (const key of placeholderSection.keys()) {
    const entry = placeholderSection.section(key);
    if (entry.has("resource")) {
      placeholders[key] = {
        resource: entry.oneOf("resource", "registration", RESOURCE_KINDS) as ResourceKind,
      };
    } else if (entry.has("asset")) {
      placeholders[key] = { asset: entry.string("asset") };
    } else {
      placeholderSection.problem(
        key,
        "needs `resource: registration|mediaSession|subscription` or `asset: <name>`.",
      );
    }
  }

  const sinkSection = root.section("sink");
  const sink = root.has("sink")
    ? {
        host: sinkSection.string("host", "127.0.0.1"),
        port: sinkSection.number("port", 0, 0, 65535),
        publicUrl: sinkSection.string("publicUrl", "https://127.0.0.1:{port}/notifications"),
        ...(sinkSection.string("certFile", "") || sinkSection.string("keyFile", "")
          ? { tls: { certFile: sinkSection.string("certFile"), keyFile: sinkSection.string("keyFile") } }
          : {}),
      }
    : undefined;
  if (sink && !sink.publicUrl.startsWith("https://")) {
    sinkSection.problem(
      "publicUrl",
      "must be an https URL: the SubscriptionRequest sink pattern is ^https://.",
    );
  }

  const notServed = readNotServed(root.strings("notServed"), root.section("notServed"));

  const supportsSection = root.section("supports");
  const supports = Object.fromEntries(
    supportsSection.keys().map((k) => [k, supportsSection.boolean(k, false)]),
  );
  const timeouts = root.section("timeouts");
  const network = root.section("testNetwork");
  const placeIncomingCall = network.string("placeIncomingCall", "");
  const variables = Object.fromEntries(
    Object.entries({ apiRoot, ...root.strings("variables") }).map(([k, v]) => [k, withRoot(v)]),
  );

  return {
    apiRoot,
    release,
    variables,
    auth: { ...(oauth2 ? { oauth2 } : {}), profiles },
    assets: root.strings("assets"),
    placeholders,
    ...(sink ? { sink } : {}),
    notServed,
    supports,
    seed: root.string("seed", "camara-conformance"),
    timeouts: {
      requestMs: timeouts.number("requestMs", 10_000, 100, 600_000),
      notificationMs: timeouts.number("notificationMs", 10_000, 100, 600_000),
    },
    testNetwork: {
      callees: network.strings("callees"),
      ...(placeIncomingCall ? { placeIncomingCall } : {}),
    },
  };
}

/** `notServed: { <release>: "<api>, <api>" }`: APIs of a release the target does not serve (yet). */
function readNotServed(lists: Record<string, string>, section: Section): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  for (const [release, list] of Object.entries(lists)) {
    if (!(SUITE_RELEASES as readonly string[]).includes(release)) {
      section.problem(release, `is not a release; choose from ${SUITE_RELEASES.join(", ")}.`);
      continue;
    }
    const known = suiteRelease(release).apis.map((a) => a.name);
    const apis = list
      .split(",")
      .map((a) => a.trim())
      .filter(Boolean);
    const unknown = apis.filter((a) => !known.includes(a));
    if (unknown.length > 0)
      section.problem(
        release,
        `names ${unknown.join(", ")}, not an API of ${release} (${known.join(", ")}).`,
      );
    out[release] = apis;
  }
  return out;
}

function readTokenSource(
  section: Section,
  name: TokenProfile,
  hasOAuth2: boolean,
  problems: string[],
): TokenSource {
  const usableAfterSec = section.number("usableAfterSec", 0, 0, 3600);
  const kinds = ["static", "oauth2", "command", "tamper"].filter((k) => section.has(k));
  if (kinds.length !== 1) {
    problems.push(
      `${section.path} needs exactly one of static, oauth2, command or tamper${kinds.length > 1 ? ` (found ${kinds.join(", ")})` : ""}.`,
    );
    return { kind: "static", token: "", usableAfterSec };
  }
  switch (kinds[0]) {
    case "static":
      return { kind: "static", token: section.string("static"), usableAfterSec };
    case "command":
      return { kind: "command", command: section.string("command"), usableAfterSec };
    case "tamper": {
      const of = section.oneOf("tamper", "valid", TOKEN_PROFILES);
      if (of === name) section.problem("tamper", "cannot name its own profile.");
      return { kind: "tamper", of, usableAfterSec };
    }
    default:
      if (!hasOAuth2) section.problem("oauth2", "needs auth.oauth2 (tokenUrl, clientId, clientSecret).");
      return { kind: "oauth2", params: section.strings("oauth2"), usableAfterSec };
  }
}
