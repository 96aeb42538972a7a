import type { RulesetFunction } from "@stoplight/spectral-core";
import { type DocPath, isObject, pointer } from "../doc-path.ts";
import { collectExamples } from "../example-sites.ts";
import { closest, schemaName } from "../schema-name.ts";
import { walkExample } from "../walk-example.ts";

/**
 * An example property that its schema does not define. When `additionalProperties` is not
 * `false` such an example still validates, which is why no validator reports it, but it shows a
 * field nobody reads (a misspelling, or fields wrapped in an undeclared envelope). Objects whose
 * schema declares no properties, allows a typed map, or has `oneOf`/`anyOf` alternatives are left
 * alone: there the example cannot be judged without guessing.
 */
export const exampleUndeclaredProperties: RulesetFunction<unknown, unknown> = (doc) => {
  if (!isObject(doc)) return [];
  const found = new Map<string, { path: DocPath; text: (uses: string) => string; uses: string[] }>();
  for (const site of collectExamples(doc)) {
    for (const use of site.uses) {
      walkExample(doc, [{ schema: use.schema, path: use.schemaPath }], site.value, (node) => {
        const { data, folded } = node;
        if (!isObject(data) || folded.alternatives || folded.properties.size === 0) return;
        const extra = folded.additionalProperties?.schema;
        if (extra !== undefined && extra !== true) return;
        const declared = [...folded.properties.keys()];
        const present = declared.filter((k) => k in data);
        for (const key of Object.keys(data)) {
          if (folded.properties.has(key)) continue;
          const path = [...site.valuePath, ...node.dataPath, key];
          const hint = closest(key, declared);
          const name = schemaName(folded);
          const none =
            present.length === 0 ? `; the object carries none of the properties ${name} defines` : "";
          const text = (uses: string) =>
            `Example "${site.name}" (${uses}): property "${key}" is not defined by ${name}` +
            `${hint ? ` (did you mean "${hint}"?)` : ""}${none}. It validates only because ` +
            `additionalProperties is not false; no client or server reads it.`;
          const k = pointer(path);
          const entry = found.get(k) ?? { path, text, uses: [] };
          if (!entry.uses.includes(use.label)) entry.uses.push(use.label);
          found.set(k, entry);
        }
      });
    }
  }
  return [...found.values()].map((f) => ({ message: f.text(f.uses.join("; ")), path: [...f.path] }));
};
