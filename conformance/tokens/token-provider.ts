import { execFile } from "node:child_process";
import type { TargetConfig, TokenProfile, TokenSource } from "../config/target-config.ts";
import { tamperToken } from "./tamper-token.ts";

/** Access tokens for the step library, one per profile, obtained once per run. */
export interface TokenProvider {
  /**
   * The profile's token. The first call obtains it; a profile with `usableAfterSec` resolves only
   * once that long has passed since it was obtained (e.g. an expired token, past clock tolerance).
   */
  token(profile: TokenProfile): Promise<string>;
  /** Starts obtaining every profile's token now (their `usableAfterSec` clocks start too). */
  prefetch(): void;
  /**
   * A token like `valid` but for another test subscriber: the oauth2 `phone_number` parameter, or
   * `PHONE_NUMBER` in a command's environment. Static tokens cannot do this.
   */
  tokenForPhone(phoneNumber: string): Promise<string>;
}

export interface TokenProviderDeps {
  readonly fetch: typeof fetch;
  /** Runs a shell command and resolves with its stdout. */
  readonly run: (command: string, env: Record<string, string>) => Promise<string>;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

const defaultDeps: TokenProviderDeps = {
  fetch: (...args) => fetch(...args),
  run: (command, env) =>
    new Promise((resolve, reject) => {
      execFile(
        "/bin/sh",
        ["-c", command],
        { env: { ...process.env, ...env }, timeout: 30_000 },
        (error, stdout, stderr) =>
          error
            ? reject(new Error(`token command failed: ${stderr.trim() || error.message}`))
            : resolve(stdout),
      );
    }),
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * @param scopes every scope the APIs under test define: the default `scope` of an oauth2 profile,
 *   and `SCOPES` for a command profile.
 */
export function createTokenProvider(
  config: TargetConfig,
  scopes: readonly string[],
  deps: TokenProviderDeps = defaultDeps,
): TokenProvider {
  const obtained = new Map<TokenProfile, Promise<{ token: string; usableAt: number }>>();

  async function obtain(profile: TokenProfile, source: TokenSource, phoneNumber?: string): Promise<string> {
    switch (source.kind) {
      case "static":
        return source.token;
      case "tamper":
        return tamperToken(await provider.token(source.of));
      case "command": {
        const out = await deps.run(source.command, {
          PROFILE: profile,
          SCOPES: scopes.join(" "),
          API_ROOT: config.apiRoot,
          ...(phoneNumber ? { PHONE_NUMBER: phoneNumber } : {}),
        });
        const token = out.trim();
        if (!token) throw new Error(`token command for profile ${profile} printed nothing`);
        return token;
      }
      case "oauth2":
        return clientCredentials(
          profile,
          phoneNumber ? { ...source.params, phone_number: phoneNumber } : source.params,
        );
    }
  }

  async function clientCredentials(profile: TokenProfile, params: Readonly<Record<string, string>>) {
    const client = config.auth.oauth2;
    if (!client) throw new Error("auth.oauth2 is not configured");
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      scope: scopes.join(" "),
      ...params,
    });
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (client.clientAuth === "basic") {
      // RFC 6749 §2.3.1: client_id and client_secret are form-urlencoded before Basic encoding.
      const user = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(user).toString("base64")}`;
    } else {
      form.set("client_id", client.clientId);
      form.set("client_secret", client.clientSecret);
    }
    const response = await deps.fetch(client.tokenUrl, { method: "POST", headers, body: form });
    const text = await response.text();
    let body: { access_token?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // reported below
    }
    if (!response.ok || typeof body.access_token !== "string") {
      throw new Error(
        `token endpoint ${client.tokenUrl} refused profile ${profile}: ${response.status} ${text.slice(0, 300)}`,
      );
    }
    return body.access_token;
  }

  function start(profile: TokenProfile) {
    let entry = obtained.get(profile);
    if (!entry) {
      const source = config.auth.profiles[profile];
      entry = obtain(profile, source).then((token) => ({
        token,
        usableAt: deps.now() + source.usableAfterSec * 1000,
      }));
      // A failed prefetch must not become an unhandled rejection; token() reports it.
      entry.catch(() => undefined);
      obtained.set(profile, entry);
    }
    return entry;
  }

  const provider: TokenProvider = {
    async token(profile) {
      const { token, usableAt } = await start(profile);
      const wait = usableAt - deps.now();
      if (wait > 0) await deps.sleep(wait);
      return token;
    },
    async tokenForPhone(phoneNumber) {
      const source = config.auth.profiles.valid;
      if (source.kind !== "oauth2" && source.kind !== "command") {
        throw new Error("a token for another phone number needs an oauth2 or command `valid` profile");
      }
      return obtain("valid", source, phoneNumber);
    },
    prefetch() {
      for (const profile of Object.keys(config.auth.profiles) as TokenProfile[]) void start(profile);
    },
  };
  return provider;
}
