/** A mistake of the caller (a bad option, a folder in the way): printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
