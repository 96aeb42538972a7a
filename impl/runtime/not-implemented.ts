import { ApiError } from "./errors/api-error.ts";

/** What a scaffolded handler throws until it is written: 501 NOT_IMPLEMENTED in CAMARA shape. */
export function notImplemented(operationId: string): ApiError {
  return new ApiError("NOT_IMPLEMENTED", `${operationId} is not implemented by this gateway yet.`);
}
