import express, { type Express, type Request, type Response } from "express";
import type { DevIssuer } from "../auth/dev-issuer.ts";
import { DEV_ISSUER_PATHS } from "../auth/issuer-metadata.ts";
import type { OAuthResponse } from "../auth/oauth-response.ts";

function send(res: Response, answer: OAuthResponse): void {
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.status(answer.status).json(answer.body);
}

function form(req: Request): URLSearchParams {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)]));
}

/** Mounts the embedded development issuer's four routes under `mountPath` (e.g. `/dev-issuer`). */
export function mountDevIssuer(app: Express, mountPath: string, issuer: DevIssuer): void {
  const router = express.Router();
  const urlencoded = express.urlencoded({ extended: false, limit: "16kb" });
  router.get(DEV_ISSUER_PATHS.discovery, (_req, res) => {
    res.json(issuer.discovery());
  });
  router.get(DEV_ISSUER_PATHS.jwks, (_req, res) => {
    res.json(issuer.jwks());
  });
  router.post(DEV_ISSUER_PATHS.token, urlencoded, async (req, res) => {
    send(res, await issuer.tokenEndpoint(form(req), req.headers.authorization));
  });
  router.post(DEV_ISSUER_PATHS.introspection, urlencoded, async (req, res) => {
    send(res, await issuer.introspect(form(req), req.headers.authorization));
  });
  app.use(mountPath, router);
}
