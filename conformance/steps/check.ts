/**
 * Assertions for steps. Unlike node:assert, the failure carries only the sentence given, so that
 * cucumber's reports (which print an assertion's diff instead of its message) say what is wrong.
 */
export class ConformanceFailure extends Error {
  override readonly name = "ConformanceFailure";
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/** Strict equality of primitives (or identical JSON), reported as "<what> is <actual>, expected <expected>". */
export function checkEqual(actual: unknown, expected: unknown, what: string): void {
  if (actual === expected || JSON.stringify(actual) === JSON.stringify(expected)) return;
  throw new ConformanceFailure(`${what} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}
