import type { EngineLogger } from "../../engine.ts";

/** One line of a {@link recordingLogger}: its level, the bindings of its child, its message. */
export interface LogRecord {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly bindings: Readonly<Record<string, string>>;
  readonly message: string;
}

/**
 * An EngineLogger for tests: each line goes to `onLine` with the bindings of the child that wrote
 * it, as pino would print them.
 */
export function recordingLogger(
  onLine: (record: LogRecord) => void,
  bindings: Readonly<Record<string, string>> = {},
): EngineLogger {
  const line = (level: LogRecord["level"]) => (message: string) => onLine({ level, bindings, message });
  return {
    child: (more) => recordingLogger(onLine, { ...bindings, ...more }),
    debug: line("debug"),
    info: line("info"),
    warn: line("warn"),
    error: line("error"),
  };
}
