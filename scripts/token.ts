#!/usr/bin/env -S node --import tsx
/**
 * `npm run token -- --phone +34600000001 --scopes "a b"`: asks a running gateway's development
 * issuer for an access token (client credentials grant, RFC 6749 §4.4) and prints only the token, so
 * that `TOKEN=$(npm run -s token -- ...)` works. On failure it prints the issuer's answer on stderr
 * and exits 1.
 */
import { Command, InvalidArgumentError } from "commander";

function positiveInteger(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value))
    throw new InvalidArgumentError("expected a positive whole number of seconds");
  return Number(value);
}

const opts = new Command("token")
  .description("Obtain an access token from the gateway's development issuer")
  .requiredOption("--phone <e164>", "test subscriber the token is for, one the issuer is configured with")
  .requiredOption("--scopes <scopes>", "space-separated scopes to request")
  .option("--lifetime <seconds>", "token lifetime in seconds (default: the issuer's)", positiveInteger)
  .option(
    "--issuer-url <url>",
    "the development issuer's URL",
    `http://127.0.0.1:${process.env.PORT ?? 9091}/dev-issuer`,
  )
  .option("--client-id <id>", "client identifier", "dev-client")
  .option("--client-secret <secret>", "client secret", "dev-secret")
  .parse()
  .opts<{
    phone: string;
    scopes: string;
    lifetime?: number;
    issuerUrl: string;
    clientId: string;
    clientSecret: string;
  }>();

// RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined for HTTP Basic.
const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice("v=".length);
const credentials = Buffer.from(`${formEncode(opts.clientId)}:${formEncode(opts.clientSecret)}`);
const form = new URLSearchParams({
  grant_type: "client_credentials",
  scope: opts.scopes,
  phone_number: opts.phone,
});
if (opts.lifetime !== undefined) form.set("expires_in", String(opts.lifetime));
const tokenUrl = `${opts.issuerUrl.replace(/\/+$/, "")}/token`;

let response: Response;
try {
  response = await fetch(tokenUrl, {
    method: "POST",
    headers: { Authorization: `Basic ${credentials.toString("base64")}`, Accept: "application/json" },
    body: form,
    signal: AbortSignal.timeout(10_000),
  });
} catch (error) {
  const reason =
    error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : error;
  console.error(
    `Could not reach ${tokenUrl}: ${String(reason)}. Is the gateway running with its dev issuer?`,
  );
  process.exit(1);
}
const text = await response.text();
const accessToken = response.ok ? tokenOf(text) : undefined;
if (accessToken === undefined) {
  console.error(`${tokenUrl} answered ${response.status}: ${text}`);
  process.exit(1);
}
process.stdout.write(`${accessToken}\n`);

function tokenOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { access_token?: unknown };
    return typeof parsed.access_token === "string" ? parsed.access_token : undefined;
  } catch {
    return undefined;
  }
}
