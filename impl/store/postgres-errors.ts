import { StoreUnavailableError } from "camara-webrtc-runtime";

/**
 * SQLSTATEs that say the server cannot take the work now, rather than that the work is wrong
 * (PostgreSQL, Appendix A "Error Codes"): class 08 connection exceptions, 53 insufficient resources
 * (too many connections, disk full, out of memory), 57014 a statement cancelled (statement_timeout),
 * 57P01–57P03 shutdown and start-up, 58030 I/O error.
 */
const UNAVAILABLE_STATES = /^(08|53|57014$|57P0[123]$|58030$)/;

/** Node socket errors met when the server is down, restarting or unreachable. */
const UNAVAILABLE_ERRNOS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOENT", // a unix socket that is not there
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/**
 * Whether `error` (from node-postgres) means that the database is unavailable: a refused or lost
 * connection, a server shutting down, a timeout. node-postgres reports some of these only by
 * message ("Connection terminated", "timeout exceeded when trying to connect", "Query read timeout").
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  if (typeof code === "string" && (UNAVAILABLE_STATES.test(code) || UNAVAILABLE_ERRNOS.has(code)))
    return true;
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end/i.test(
    error.message,
  );
}

/** `error` as a {@link StoreUnavailableError} when it means an outage, else unchanged. */
export function classify(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  return new StoreUnavailableError("The PostgreSQL store cannot be reached", { cause: error });
}
