/** A bad configuration: every problem found, each naming its variable and the fix. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/**
 * The one reader of environment variables that every component's configuration reader shares. A
 * value that is not valid is recorded as a problem naming the variable and the fix, and its default
 * is used, so reading goes on and {@link EnvReader.check} reports every problem of every component
 * at once. Readers written as `(env, problems)` plug in with `read(r.env, r.problems)`.
 */
export class EnvReader {
  /** Every problem recorded so far, by any component. */
  readonly problems: string[] = [];

  constructor(readonly env: NodeJS.ProcessEnv) {}

  /** Records a problem found by a component's own check. */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** The variable, or `fallback` when it is not set. */
  str(name: string, fallback: string): string {
    return this.env[name] ?? fallback;
  }

  /** An integer from `min` to `max`; `fallback` when unset or empty. */
  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    this.problem(`${name}=${raw} must be an integer from ${min} to ${max}.`);
    return fallback;
  }

  /** `true` or `false`; `fallback` when unset or empty. */
  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === "") return fallback;
    if (raw !== "true" && raw !== "false") this.problem(`${name}=${raw} must be true or false.`);
    return raw === "true";
  }

  /** One of `allowed`; `fallback` when unset. */
  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.env[name] ?? fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problem(`${name}=${raw} must be one of ${allowed.join(", ")}.`);
    return fallback;
  }

  /** A comma-separated list, each entry trimmed, empty entries left out. */
  list(name: string, fallback = ""): string[] {
    return this.str(name, fallback)
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  }

  /** A required http(s) URL; `when` says when it is required ("for this AUTH_MODE"). */
  url(name: string, when: string): string {
    const raw = this.env[name];
    if (!raw) {
      this.problem(`${name} is required ${when}; set it to an http(s) URL.`);
      return "";
    }
    if (!/^https?:\/\//.test(raw) || !URL.canParse(raw))
      this.problem(`${name}=${raw} must be an http(s) URL.`);
    return raw;
  }

  /** A required non-empty value; `when` says when it is required. */
  required(name: string, when: string): string {
    const raw = this.env[name];
    if (!raw) this.problem(`${name} is required ${when}.`);
    return raw ?? "";
  }

  /** Throws a {@link ConfigError} naming every problem recorded, if any. */
  check(): void {
    if (this.problems.length > 0) throw new ConfigError([...this.problems]);
  }
}

/** One component's reader on its own (tests, tools): its problems throw one {@link ConfigError}. */
export function readAlone<T>(read: (r: EnvReader) => T, env: NodeJS.ProcessEnv = process.env): T {
  const r = new EnvReader(env);
  const value = read(r);
  r.check();
  return value;
}
