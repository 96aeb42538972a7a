import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The step phrases of the CAMARA Commonalities testing material: every step of the templates
 * (`*.feature`) and every step the API-Testing-Guidelines write in their code blocks.
 */
export interface CommonalitiesPhrase {
  /** The phrase as written, without its keyword, trailing `|` or spaces. */
  readonly phrase: string;
  /** `file:line` of its first occurrence. */
  readonly source: string;
}

/** The vendored Commonalities files (see SOURCE.txt there). */
export const COMMONALITIES_DIR = join(import.meta.dirname, "commonalities-r4.2");

const KEYWORD = /^\s*(?:Given|When|Then|And|But|\*|-)\s+(.*)$/;

function clean(text: string): string {
  return text
    .replace(/\s*\|\s*$/, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Steps of a feature file: lines starting with a step keyword (tables and DocStrings skipped). */
function featureSteps(file: string, text: string): CommonalitiesPhrase[] {
  const out: CommonalitiesPhrase[] = [];
  let inDocString = false;
  // Steps start after the Feature's description (whose bullets are prose).
  let inScenarios = false;
  text.split(/\r?\n/).forEach((line, i) => {
    if (/^\s*("""|```)/.test(line)) inDocString = !inDocString;
    if (/^\s*(Background|Scenario|Scenario Outline|Example|Rule):/.test(line)) inScenarios = true;
    if (inDocString || !inScenarios) return;
    const m = /^\s*(?:Given|When|Then|And|But|\*)\s+(.*)$/.exec(line);
    if (m?.[1]) out.push({ phrase: clean(m[1]), source: `${file}:${i + 1}` });
  });
  return out;
}

/**
 * Steps the guidelines write in code blocks (```): keyword or bullet lines that read as a step
 * (start with a lower-case word), not `Scenario:` lines, tables or JSON.
 */
function guidelineSteps(file: string, text: string): CommonalitiesPhrase[] {
  const out: CommonalitiesPhrase[] = [];
  let inBlock = false;
  text.split(/\r?\n/).forEach((line, i) => {
    // Only unindented fences open and close a block; an indented one is a DocString inside it.
    if (/^```/.test(line)) {
      inBlock = !inBlock;
      return;
    }
    if (!inBlock) return;
    const step = KEYWORD.exec(line)?.[1];
    if (step && /^(?:the|an?|no|each|event|notification|path|response)\b/.test(clean(step)))
      out.push({ phrase: clean(step), source: `${file}:${i + 1}` });
  });
  return out;
}

/** Every distinct phrase, in file order. */
export function commonalitiesPhrases(dir: string = COMMONALITIES_DIR): CommonalitiesPhrase[] {
  const seen = new Set<string>();
  const all: CommonalitiesPhrase[] = [];
  for (const file of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, file), "utf8");
    const steps = file.endsWith(".feature")
      ? featureSteps(file, text)
      : file.endsWith(".md")
        ? guidelineSteps(file, text)
        : [];
    for (const s of steps) {
      if (seen.has(s.phrase)) continue;
      seen.add(s.phrase);
      all.push(s);
    }
  }
  return all;
}

/** Sample values for the placeholders the templates leave to the API (`<xxx>`, `{json_path}`…). */
const SAMPLES: Readonly<Record<string, string>> = {
  "{path_resource}": "/webrtc-events/v0.2/subscriptions",
  "{operationId}": "createNotificationChannelSubscription",
  "{json_path}": "$.id",
  "{oas_schema_json_path}": "/components/schemas/Subscription",
  "{name}": "x-correlator",
  "{value}": "abc",
  "<xxx>": "webrtc-events",
  "<api-name>": "webrtc-events",
};

/** The phrase as a concrete step, placeholders filled with sample values. */
export function instantiate(phrase: string): string {
  return phrase
    .replace(/\{[a-z_A-Z]+\}|<[^>]+>/g, (p) => SAMPLES[p] ?? (p.startsWith("<") ? "sample" : "abc"))
    .trim();
}
