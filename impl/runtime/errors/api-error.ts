/**
 * The CAMARA error codes this gateway can answer with, each bound to its HTTP status
 * (CAMARA_common.yaml, Commonalities 0.6, and the codes the three WebRTC specs add).
 */
export const ERROR_STATUS = {
  INVALID_ARGUMENT: 400,
  OUT_OF_RANGE: 400,
  EMERGENCY_ADDRESS_MISSING: 400,
  INVALID_PROTOCOL: 400,
  INVALID_CREDENTIAL: 400,
  INVALID_TOKEN: 400,
  INVALID_SINK: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  INVALID_TOKEN_CONTEXT: 403,
  MAX_REGISTRATION_PER_USER: 403,
  MAX_REGISTRATION_PER_MSISDN: 403,
  MAX_DEVICES_PER_USER: 403,
  SUBSCRIPTION_MISMATCH: 403,
  NOT_FOUND: 404,
  IDENTIFIER_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  INCOMPATIBLE_STATE: 409,
  GONE: 410,
  FAILED_PRECONDITION: 412,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVICE_NOT_APPLICABLE: 422,
  MISSING_IDENTIFIER: 422,
  UNSUPPORTED_IDENTIFIER: 422,
  UNNECESSARY_IDENTIFIER: 422,
  MULTIEVENT_SUBSCRIPTION_NOT_SUPPORTED: 422,
  MULTIEVENT_COMBINATION_TEMPORARILY_NOT_SUPPORTED: 422,
  QUOTA_EXCEEDED: 429,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  NOT_IMPLEMENTED: 501,
  CALLTYPE_EMERGENCY_NOT_SUPPORTED: 501,
  BAD_GATEWAY: 502,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The CAMARA error body: `ErrorInfo` in every spec. */
export interface ErrorInfo {
  readonly status: number;
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * The one error type handlers and services throw. The HTTP status is derived from the code, so the
 * two can never disagree; the error middleware renders it with {@link ApiError.toErrorInfo}.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly code: ErrorCode;
  readonly status: number;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.headers = options?.headers ?? {};
  }

  /** Extra response headers, e.g. `Retry-After` on 429 or `Allow` on 405. */
  readonly headers: Record<string, string>;

  toErrorInfo(): ErrorInfo {
    return { status: this.status, code: this.code, message: this.message };
  }

  static notFound(what: string): ApiError {
    return new ApiError("NOT_FOUND", `${what} is not found.`);
  }

  static invalidArgument(message: string): ApiError {
    return new ApiError("INVALID_ARGUMENT", message);
  }
}
