import type { ServerResponse } from "node:http";
import type { DevIssuer } from "../dev-issuer.ts";
import { DEV_ISSUER_PATHS } from "../issuer-metadata.ts";
import type { OAuthResponse } from "../oauth-response.ts";
import { type LoopbackServer, listenOnLoopback, readForm } from "./listen-on-loopback.ts";

/**
 * Serves a dev issuer's four routes under `basePath` with plain node:http, the way the gateway mounts
 * them, so that tests exercise the real HTTP exchange. Any other request gets a 404.
 */
export function serveDevIssuer(devIssuer: DevIssuer, basePath = "/dev-issuer"): Promise<LoopbackServer> {
  return listenOnLoopback(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const authorization = request.headers.authorization;
    if (request.method === "GET" && path === `${basePath}${DEV_ISSUER_PATHS.discovery}`) {
      return sendJson(response, 200, devIssuer.discovery());
    }
    if (request.method === "GET" && path === `${basePath}${DEV_ISSUER_PATHS.jwks}`) {
      return sendJson(response, 200, devIssuer.jwks());
    }
    if (request.method === "POST" && path === `${basePath}${DEV_ISSUER_PATHS.token}`) {
      return send(response, await devIssuer.tokenEndpoint(await readForm(request), authorization));
    }
    if (request.method === "POST" && path === `${basePath}${DEV_ISSUER_PATHS.introspection}`) {
      return send(response, await devIssuer.introspect(await readForm(request), authorization));
    }
    return sendJson(response, 404, { error: "not_found" });
  });
}

function send(response: ServerResponse, answer: OAuthResponse): void {
  sendJson(response, answer.status, answer.body, answer.headers);
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  response.writeHead(status, { ...headers, "Content-Type": "application/json" });
  response.end(JSON.stringify(body));
}
