/**
 * Small helpers to read an untyped YAML document into typed configuration while collecting every
 * problem (with its key path and the fix) instead of stopping at the first.
 */

/** Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed document. */
export function expandEnv(node: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof node === "string") {
    return node.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
      (_m, name: string, fallback?: string) => {
        const value = env[name];
        return value !== undefined && value !== "" ? value : (fallback ?? "");
      },
    );
  }
  if (Array.isArray(node)) return node.map((item) => expandEnv(item, env));
  if (typeof node === "object" && node !== null) {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, expandEnv(v, env)]));
  }
  return node;
}

/** A view of one mapping of the document, reporting problems under its key path. */
export class Section {
  private readonly node: Readonly<Record<string, unknown>>;

  constructor(
    node: unknown,
    readonly path: string,
    private readonly problems: string[],
  ) {
    if (node !== undefined && (typeof node !== "object" || node === null || Array.isArray(node))) {
      problems.push(`${path || "the document"} must be a mapping.`);
    }
    this.node =
      typeof node === "object" && node !== null && !Array.isArray(node)
        ? (node as Record<string, unknown>)
        : {};
  }

  has(key: string): boolean {
    return this.node[key] !== undefined && this.node[key] !== null;
  }

  keys(): string[] {
    return Object.keys(this.node);
  }

  private at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  section(key: string): Section {
    return new Section(this.node[key], this.at(key), this.problems);
  }

  string(key: string, fallback?: string): string {
    const value = this.node[key];
    if (value === undefined || value === null || value === "") {
      if (fallback === undefined) this.problems.push(`${this.at(key)} is required.`);
      return fallback ?? "";
    }
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    if (typeof value !== "string") {
      this.problems.push(`${this.at(key)} must be a string.`);
      return fallback ?? "";
    }
    return value;
  }

  url(key: string, fallback?: string): string {
    const value = this.string(key, fallback);
    if (value !== "" && (!/^https?:\/\//.test(value) || !URL.canParse(value))) {
      this.problems.push(`${this.at(key)}=${value} must be an http(s) URL.`);
    }
    return value.replace(/\/+$/, "");
  }

  number(key: string, fallback: number, min: number, max: number): number {
    const value = this.node[key];
    if (value === undefined || value === null || value === "") return fallback;
    const n = typeof value === "string" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n) || n < min || n > max) {
      this.problems.push(`${this.at(key)}=${String(value)} must be a number from ${min} to ${max}.`);
      return fallback;
    }
    return n;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.node[key];
    if (value === undefined || value === null) return fallback;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    this.problems.push(`${this.at(key)} must be true or false.`);
    return fallback;
  }

  /** A mapping whose values are all strings (numbers are accepted and stringified). */
  strings(key: string): Record<string, string> {
    const section = this.section(key);
    return Object.fromEntries(section.keys().map((k) => [k, section.string(k)]));
  }

  oneOf<T extends string>(key: string, fallback: T, allowed: readonly T[]): T {
    const value = this.string(key, fallback);
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${this.at(key)}=${value} must be one of ${allowed.join(", ")}.`);
      return fallback;
    }
    return value as T;
  }

  problem(key: string, message: string): void {
    this.problems.push(`${this.at(key)} ${message}`);
  }
}
