/**
 * Thrown by a store whose backend cannot be reached or cannot take the work right now (connection
 * refused or lost, server shutting down, too many connections, a timeout). The operation was not
 * acknowledged: a read returned nothing, and a write may or may not have been applied. The HTTP
 * layer answers it with 503 UNAVAILABLE; the cause stays in the logs.
 */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
}
