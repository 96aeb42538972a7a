/**
 * Step text as CAMARA test plans write it drifts: "is" / "should be", "has same" / "has the same",
 * "user friendly" / "user-friendly", "the the", "a existing", a missing "is" before "set to", stray
 * `|` and spaces at the end of a line. Rather than one step definition per spelling, each step is
 * defined once by its canonical phrase, and {@link phrase} compiles that phrase into a regular
 * expression that accepts every drifted spelling listed in {@link DRIFT}. The table is the single
 * place where tolerated drift is decided, and it is table-tested against the upstream wording.
 *
 * Parameters in a canonical phrase:
 * - `{string}` a double-quoted string, captured without the quotes;
 * - `{int}` an integer;
 * - `{value}` a JSON literal: quoted string, number, true/false/null, object or array;
 * - `{values}` one or more `{value}` joined by "or" / "OR" (e.g. `"A" OR "B"`);
 * - `{statuses}` one or more HTTP status codes joined by "or" or commas;
 * - `{word}` a run of non-space characters; `{text}` any text (lazy).
 * `[words]` marks optional words. Step files may pass further parameter types in `extra`.
 */
export function phrase(canonical: string, extra: Readonly<Record<string, string>> = {}): RegExp {
  return new RegExp(`^\\s*${compile(canonical, { ...PARAMETERS, ...extra })}\\s*\\|?\\s*$`, "i");
}

/**
 * `[words]` is optional text: compiled with the drift rules, accepted or left out together with the
 * whitespace before it.
 */
function compile(canonical: string, parameters: Readonly<Record<string, string>>): string {
  let source = "";
  for (const part of canonical.split(/(\{[a-z]+\}|\s*\[[^\]]+\])/)) {
    if (part === "") continue;
    const optional = /^(\s*)\[([^\]]+)\]$/.exec(part);
    if (optional) {
      source += `(?:${optional[1] ? "\\s+" : ""}${compile(optional[2] as string, parameters)})?`;
      continue;
    }
    const parameter = parameters[part];
    if (parameter !== undefined) {
      source += parameter;
      continue;
    }
    if (/^\{[a-z]+\}$/.test(part)) throw new Error(`Unknown parameter ${part} in "${canonical}"`);
    source += literal(part);
  }
  return source;
}

const VALUE = `"(?:[^"\\\\]|\\\\.)*"|-?\\d+(?:\\.\\d+)?|true|false|null|\\{.*?\\}|\\[.*?\\]`;

const PARAMETERS: Readonly<Record<string, string>> = {
  "{string}": `"([^"]*)"`,
  "{int}": `(-?\\d+)`,
  "{value}": `(${VALUE})`,
  "{values}": `((?:${VALUE})(?:\\s+or\\s+(?:${VALUE}))*)`,
  "{statuses}": `(\\d{3}(?:\\s*(?:,|\\bor\\b)\\s*\\d{3})*)`,
  "{word}": `(\\S+)`,
  "{text}": `(.+?)`,
};

/**
 * Tolerated drift: canonical word sequence → what the step text may say instead. Longer sequences
 * win over shorter ones. Every entry is seen in CAMARA Test_definitions or Commonalities templates.
 */
export const DRIFT: readonly (readonly [canonical: string, pattern: string])[] = [
  // "the path parameter "x" set to """ (updateRegistrationById 400.2) and "not included" (getSession 400.1)
  ["is set to", `(?:(?:is|should\\s+be)\\s+)?set\\s+(?:to|as)`],
  ["is set", `(?:(?:is|should\\s+be)\\s+)?set`],
  ["is not included", `(?:is\\s+)?not\\s+included`],
  ["set to", `set\\s+(?:to|as)`],
  // "the response status is 204" (API-Testing-Guidelines §Request sending)
  ["response status code", `response\\s+(?:status(?:\\s+code)?|code)`],
  // "the request property "$.protocol" is set to "HTTP"" (event-subscription-template)
  ["request body property", `request\\s+(?:body\\s+)?property`],
  ["has same", `has\\s+(?:the\\s+)?same`],
  ["user friendly", `user[-\\s]?friendly`],
  ["is", `(?:is|should\\s+be|must\\s+be)`],
  ["should", `(?:should|must)`],
  // "each item of the the response array" (getListSubscriptions 01)
  ["the", `the(?:\\s+the)?`],
  // "set by default to a existing register session"
  ["an", `an?`],
  ["a", `an?`],
];

/** Longest canonical sequences first, so that "is set to" wins over "is". */
const BY_LENGTH = [...DRIFT].sort((a, b) => b[0].split(" ").length - a[0].split(" ").length);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Literal words of a phrase, with drift applied and any run of whitespace accepted between them. */
function literal(text: string): string {
  const words = text.split(/\s+/);
  const out: string[] = [];
  for (let i = 0; i < words.length; ) {
    const word = words[i] as string;
    if (word === "") {
      out.push("");
      i++;
      continue;
    }
    const rule = BY_LENGTH.find(([canonical]) => {
      const seq = canonical.split(" ");
      return seq.every((w, k) => words[i + k]?.toLowerCase() === w);
    });
    if (rule) {
      out.push(rule[1]);
      i += rule[0].split(" ").length;
    } else {
      out.push(escapeRegExp(word));
      i++;
    }
  }
  // Leading/trailing "" entries come from spaces next to a parameter: they become `\s+` joins.
  return out.join("\\s+");
}

/** Splits a `{values}` capture into its JSON literals. */
export function splitValues(capture: string): string[] {
  return [...capture.matchAll(new RegExp(VALUE, "g"))].map((m) => m[0]);
}

/** Splits a `{statuses}` capture into status codes. */
export function splitStatuses(capture: string): number[] {
  return [...capture.matchAll(/\d{3}/g)].map((m) => Number(m[0]));
}
