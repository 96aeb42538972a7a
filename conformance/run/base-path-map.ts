/**
 * `--base-path` rules: feature files written for another version of an API (a draft's `vwip`, the
 * main branch's next version) name paths the target does not serve; each rule rewrites them.
 *
 * - `vwip=v0.3`: the path segment `vwip` becomes `v0.3`, in every API;
 * - `/webrtc-events/vwip=/webrtc-events/v0.2`: a path prefix becomes another;
 * - `vwip` alone (or `vwip=served`): `/{api}/vwip` becomes the base path the contract gives that API.
 */
export interface BasePathRule {
  readonly from: string;
  /** `undefined`: the contract's base path of the API named by the first segment. */
  readonly to: string | undefined;
}

export function parseBasePathRule(text: string): BasePathRule {
  const [from = "", to, ...rest] = text.split("=");
  if (from.trim() === "" || rest.length > 0 || to?.trim() === "") {
    throw new Error(
      `--base-path "${text}": write FROM=TO (e.g. vwip=v0.3), or FROM alone for the served version.`,
    );
  }
  return { from: from.trim(), to: to === undefined || to.trim() === "served" ? undefined : to.trim() };
}

/**
 * Rewrites a request path by the first rule that applies.
 * @param basePathOf the served base path of an API by name (`webrtc-events` → `/webrtc-events/v0.2`)
 */
export function mapBasePath(
  path: string,
  rules: readonly BasePathRule[],
  basePathOf: (api: string) => string | undefined,
): string {
  for (const { from, to } of rules) {
    if (from.startsWith("/")) {
      if (to !== undefined && (path === from || path.startsWith(`${from}/`)))
        return to + path.slice(from.length);
      continue;
    }
    const segments = path.split("/");
    const at = segments.indexOf(from);
    if (at < 0) continue;
    if (to !== undefined) return segments.map((s, i) => (i === at ? to : s)).join("/");
    // `/{api}/vwip/...`: the served base path of {api} replaces the first two segments.
    const served = at === 2 ? basePathOf(segments[1] ?? "") : undefined;
    if (served !== undefined) return served + (segments.length > 3 ? `/${segments.slice(3).join("/")}` : "");
  }
  return path;
}
