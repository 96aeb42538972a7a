import { serverBasePath } from "../../codegen/build-manifest.ts";
import type { OpenApiDocument } from "../../codegen/effective-spec.ts";

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Removes every `callbacks` member, at any depth. */
function withoutCallbacks(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutCallbacks);
  if (!isObject(node)) return node;
  const out: Obj = {};
  for (const [key, value] of Object.entries(node)) {
    if (key !== "callbacks") out[key] = withoutCallbacks(value);
  }
  return out;
}

/**
 * The document handed to Prism, built from an effective spec:
 * - every `callbacks` is removed: Prism's mock fires a spec's callbacks at the URLs of its
 *   examples (public hosts such as notificationServer.opentelco.com), and nothing may leave
 *   loopback;
 * - paths carry the server base path (`/sessions` → `/webrtc-registration/v0.3/sessions`) and
 *   the server is `/`, so that the mock and the proxy answer on the same URLs as a real gateway
 *   and the proxy forwards them unchanged;
 * - the generator's `x-generated` banner is dropped.
 */
export function prismDocument(spec: OpenApiDocument): Obj {
  const basePath = serverBasePath(spec);
  const { "x-generated": _banner, ...rest } = withoutCallbacks(spec) as Obj;
  const paths: Obj = {};
  for (const [path, item] of Object.entries(isObject(rest.paths) ? rest.paths : {}))
    paths[`${basePath}${path}`] = item;
  return { ...rest, servers: [{ url: "/" }], paths };
}
