/** A step of a scenario or background, with its 1-based line. */
export interface FeatureStep {
  readonly text: string;
  readonly line: number;
}

export interface FeatureScenario {
  readonly name: string;
  readonly line: number;
  readonly tags: readonly string[];
  readonly steps: readonly FeatureStep[];
}

/** The parts of a CAMARA Test_definitions feature file the spec cross-checks need. */
export interface ParsedFeature {
  readonly title: string;
  readonly line: number;
  readonly background: readonly FeatureStep[];
  readonly scenarios: readonly FeatureScenario[];
}

const STEP = /^(Given|When|Then|And|But|\*)\s+(.*)$/;
const BLOCK = /^(Feature|Background|Scenario|Scenario Outline|Scenario Template|Example|Rule):\s*(.*)$/;

/**
 * A line-based reader of Gherkin: enough structure (feature title, background, scenarios with
 * their tags and steps) to check what a feature claims about a spec. Doc strings and data tables
 * are skipped; step text is kept as written.
 */
export function parseFeature(text: string): ParsedFeature {
  let title = "";
  let line = 1;
  const background: FeatureStep[] = [];
  const scenarios: { name: string; line: number; tags: string[]; steps: FeatureStep[] }[] = [];
  let steps: FeatureStep[] | null = null;
  let tags: string[] = [];
  let inDocString: string | null = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (inDocString !== null) {
      if (trimmed.startsWith(inDocString)) inDocString = null;
      return;
    }
    if (trimmed.startsWith('"""') || trimmed.startsWith("```")) {
      inDocString = trimmed.slice(0, 3);
      return;
    }
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith("|")) return;
    if (trimmed.startsWith("@")) {
      tags.push(...trimmed.split(/\s+/).filter((t) => t.startsWith("@")));
      return;
    }
    const block = BLOCK.exec(trimmed);
    if (block) {
      const [, keyword = "", name = ""] = block;
      if (keyword === "Feature") {
        title = name;
        line = index + 1;
        steps = null;
      } else if (keyword === "Background") {
        steps = background;
      } else if (keyword !== "Rule") {
        const scenario = { name, line: index + 1, tags, steps: [] as FeatureStep[] };
        scenarios.push(scenario);
        steps = scenario.steps;
      }
      tags = [];
      return;
    }
    const step = STEP.exec(trimmed);
    if (step && steps) steps.push({ text: step[2] ?? "", line: index + 1 });
  });
  return { title, line, background, scenarios };
}
