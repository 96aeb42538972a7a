import type { Random } from "./seeded-random.ts";

/**
 * Generates a string matching a JSON Schema `pattern` (ECMA-262 regular expression), for the subset
 * of syntax CAMARA specs use: literals and escapes, character classes with ranges and negation, `.`,
 * groups with alternation, the quantifiers `? * + {n} {n,} {n,m}`, and the anchors `^ $`.
 * Look-arounds and back-references are refused with an Error: the caller then falls back to the
 * schema's `example`.
 */
export function sampleRegex(pattern: string, random: Random, maxRepeat = 20): string {
  const parser = new Parser(pattern);
  const node = parser.parseAlternation();
  if (!parser.done()) throw new Error(`Unsupported regular expression near "${pattern.slice(parser.pos)}"`);
  return generate(node, random, maxRepeat);
}

type Node =
  | { kind: "alt"; options: Node[] }
  | { kind: "seq"; items: Node[] }
  | { kind: "chars"; set: string }
  | { kind: "repeat"; node: Node; min: number; max: number }
  | { kind: "empty" };

/** Printable ASCII: what `.` and negated classes draw from. */
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
const CLASS_ESCAPES: Record<string, string> = {
  d: "0123456789",
  w: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
  s: " ",
};

class Parser {
  pos = 0;
  constructor(private readonly source: string) {}

  done(): boolean {
    return this.pos >= this.source.length;
  }

  private peek(): string | undefined {
    return this.source[this.pos];
  }

  parseAlternation(): Node {
    const options: Node[] = [this.parseSequence()];
    while (this.peek() === "|") {
      this.pos++;
      options.push(this.parseSequence());
    }
    return options.length === 1 ? (options[0] as Node) : { kind: "alt", options };
  }

  private parseSequence(): Node {
    const items: Node[] = [];
    for (let c = this.peek(); c !== undefined && c !== "|" && c !== ")"; c = this.peek()) {
      const atom = this.parseAtom();
      items.push(this.parseQuantifier(atom));
    }
    return { kind: "seq", items };
  }

  private parseAtom(): Node {
    const c = this.source[this.pos++] as string;
    if (c === "^" || c === "$") return { kind: "empty" };
    if (c === ".") return { kind: "chars", set: PRINTABLE };
    if (c === "[") return this.parseClass();
    if (c === "\\") return { kind: "chars", set: this.parseEscape() };
    if (c === "(") {
      if (this.source.startsWith("?:", this.pos)) this.pos += 2;
      else if (this.peek() === "?") throw new Error("Look-around groups are not supported");
      const inner = this.parseAlternation();
      if (this.source[this.pos++] !== ")") throw new Error("Unbalanced parenthesis");
      return inner;
    }
    return { kind: "chars", set: c };
  }

  private parseEscape(): string {
    const c = this.source[this.pos++];
    if (c === undefined) throw new Error("Dangling backslash");
    if (c in CLASS_ESCAPES) return CLASS_ESCAPES[c] as string;
    if (/[DWS]/.test(c)) {
      const excluded = CLASS_ESCAPES[c.toLowerCase()] as string;
      return [...PRINTABLE].filter((ch) => !excluded.includes(ch)).join("");
    }
    if (/[1-9bBk]/.test(c)) throw new Error(`Escape \\${c} is not supported`);
    return c === "n" ? "\n" : c === "r" ? "\r" : c === "t" ? "\t" : c;
  }

  private parseClass(): Node {
    const negated = this.peek() === "^";
    if (negated) this.pos++;
    let members = "";
    while (this.peek() !== "]") {
      const c = this.source[this.pos++];
      if (c === undefined) throw new Error("Unterminated character class");
      const low = c === "\\" ? this.parseEscape() : c;
      // "a-z" is a range; a "-" first, last or right after a range is a literal.
      if (low.length === 1 && this.peek() === "-" && this.source[this.pos + 1] !== "]") {
        const next = this.source[this.pos + 1];
        if (next !== undefined) {
          this.pos += 2;
          const high = next === "\\" ? this.parseEscape() : next;
          for (let code = low.charCodeAt(0); code <= high.charCodeAt(0); code++) {
            members += String.fromCharCode(code);
          }
          continue;
        }
      }
      members += low;
    }
    this.pos++; // the closing "]"
    const set = negated ? [...PRINTABLE].filter((ch) => !members.includes(ch)).join("") : members;
    if (set === "") throw new Error("Empty character class");
    return { kind: "chars", set };
  }

  private parseQuantifier(atom: Node): Node {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === "?") [min, max] = [0, 1];
    else if (c === "*") [min, max] = [0, Number.POSITIVE_INFINITY];
    else if (c === "+") [min, max] = [1, Number.POSITIVE_INFINITY];
    else if (c === "{") {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.pos));
      if (!match) return atom; // a literal "{"
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === "" ? Number.POSITIVE_INFINITY : Number(match[3]);
      this.pos += match[0].length - 1;
    } else return atom;
    this.pos++;
    if (this.peek() === "?") this.pos++; // lazy quantifiers generate the same strings
    return { kind: "repeat", node: atom, min, max };
  }
}

function generate(node: Node, random: Random, maxRepeat: number): string {
  switch (node.kind) {
    case "empty":
      return "";
    case "chars":
      return random.pick([...node.set]);
    case "alt":
      return generate(random.pick(node.options), random, maxRepeat);
    case "seq":
      return node.items.map((item) => generate(item, random, maxRepeat)).join("");
    case "repeat": {
      // Prefer a non-empty value: an optional part left out tells a tester little.
      const low = Math.max(node.min, Math.min(1, node.max));
      const high = Math.min(node.max, low + maxRepeat);
      const count = random.int(low, high);
      let out = "";
      for (let i = 0; i < count; i++) out += generate(node.node, random, maxRepeat);
      return out;
    }
  }
}
