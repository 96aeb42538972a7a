import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isSeq, parseDocument } from "yaml";
import { applyOverlay, type OverlayDocument } from "../../codegen/apply-overlay.ts";

/** What became of one overlay action on the new release. */
export interface ActionOutcome {
  readonly api: string;
  readonly index: number;
  readonly target: string;
  readonly description: string | undefined;
  /** Why it was left behind; undefined when it was carried. */
  readonly problem: string | undefined;
}

/**
 * Carries `overlays/<from>/<api>.overlay.yaml` to `overlays/<to>/`: each action that still applies
 * to the new release's spec (in order, on top of those carried before it) is kept with its
 * comments; each that no longer does is left out and reported. `spec` is the new release's bundled
 * spec without overlays. Writes nothing when the old release has no overlay for `api`, or when the
 * new one already has its own.
 */
export function carryOverlay(
  definitionsDir: string,
  api: string,
  from: string,
  to: string,
  spec: unknown,
): ActionOutcome[] {
  const source = join(definitionsDir, "overlays", from, `${api}.overlay.yaml`);
  const target = join(definitionsDir, "overlays", to, `${api}.overlay.yaml`);
  if (!existsSync(source) || existsSync(target)) return [];
  const doc = parseDocument(readFileSync(source, "utf8"));
  const overlay = doc.toJS() as OverlayDocument;
  const outcomes: ActionOutcome[] = [];
  let current = spec;
  for (const [index, action] of overlay.actions.entries()) {
    let problem: string | undefined;
    try {
      current = applyOverlay(current, { ...overlay, actions: [action] }, `${api} action ${index}`);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    outcomes.push({ api, index, target: action.target, description: action.description, problem });
  }
  const actions = doc.get("actions");
  if (isSeq(actions)) {
    // Highest index first, so that the indices of the remaining items stay valid.
    for (const o of [...outcomes].reverse()) if (o.problem) actions.items.splice(o.index, 1);
  }
  if (outcomes.some((o) => !o.problem)) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, doc.toString());
  }
  return outcomes;
}
