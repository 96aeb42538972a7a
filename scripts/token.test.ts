import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, describe, it } from "node:test";
import { createDevIssuer, createJwtVerifier } from "camara-webrtc-runtime";
import { decodeJwt } from "jose";
import { listenOnLoopback } from "../impl/runtime/auth/testing/listen-on-loopback.ts";
import { serveDevIssuer } from "../impl/runtime/auth/testing/serve-dev-issuer.ts";
import { fromRoot } from "./lib/paths.ts";

const ISSUER = "http://127.0.0.1:9091/dev-issuer";
const AUDIENCE = "camara-webrtc-gateway";
const PHONE = "+34600000001";
const SCOPES = "webrtc-call-handling:calls:create webrtc-call-handling:calls:read";

const devIssuer = await createDevIssuer({
  issuer: ISSUER,
  audience: AUDIENCE,
  clients: [{ clientId: "dev-client", clientSecret: "dev-secret" }],
  phoneNumbers: [PHONE],
});
const served = await serveDevIssuer(devIssuer);
after(() => served.close());

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a user would; asynchronously, since the issuer it talks to lives in this process. */
function token(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", fromRoot("scripts/token.ts"), ...args],
      { cwd: fromRoot(), env: { ...process.env, ...env }, encoding: "utf8", timeout: 30_000 },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("npm run token", () => {
  it("prints only an access token that the gateway's JWT verifier accepts", async () => {
    const run = await token([
      "--phone",
      PHONE,
      "--scopes",
      SCOPES,
      "--issuer-url",
      `${served.url}/dev-issuer`,
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const verifier = createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: devIssuer.jwks() });
    const principal = await verifier.verify(run.stdout.trim());
    assert.equal(principal.phoneNumber, PHONE);
    assert.equal(principal.clientId, "dev-client");
    assert.deepEqual(principal.scopes, new Set(SCOPES.split(" ")));
  });

  it("asks for --lifetime seconds and finds the issuer on 127.0.0.1:$PORT by default", async () => {
    const port = new URL(served.url).port;
    const run = await token(["--phone", PHONE, "--scopes", SCOPES, "--lifetime", "120"], { PORT: port });
    assert.equal(run.status, 0, run.stderr);
    const { iat, exp } = decodeJwt(run.stdout.trim());
    assert.equal((exp ?? 0) - (iat ?? 0), 120);
  });

  it("exits 1 with the issuer's error body on stderr and nothing on stdout when the issuer refuses", async () => {
    const url = `${served.url}/dev-issuer`;
    const run = await token(["--phone", "+34699999999", "--scopes", SCOPES, "--issuer-url", url]);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      /answered 400: \{"error":"invalid_request","error_description":"phone_number must be/,
    );
  });

  it("exits 1 with invalid_client on stderr when the client secret is wrong", async () => {
    const url = `${served.url}/dev-issuer`;
    const run = await token([
      "--phone",
      PHONE,
      "--scopes",
      SCOPES,
      "--issuer-url",
      url,
      "--client-secret",
      "x",
    ]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /answered 401: \{"error":"invalid_client"/);
  });

  it("exits 1 saying so when nothing listens at the issuer URL", async () => {
    const down = await listenOnLoopback(() => {});
    await down.close();
    const run = await token(["--phone", PHONE, "--scopes", SCOPES, "--issuer-url", `${down.url}/dev-issuer`]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^Could not reach http:\/\/127\.0\.0\.1:\d+\/dev-issuer\/token: .*ECONNREFUSED/);
  });
});
