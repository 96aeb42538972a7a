import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError, ERROR_STATUS, type ErrorCode } from "./api-error.ts";

describe("ApiError", () => {
  const table: [ErrorCode, number][] = [
    ["INVALID_ARGUMENT", 400],
    ["OUT_OF_RANGE", 400],
    ["UNAUTHENTICATED", 401],
    ["PERMISSION_DENIED", 403],
    ["INVALID_TOKEN_CONTEXT", 403],
    ["NOT_FOUND", 404],
    ["METHOD_NOT_ALLOWED", 405],
    ["CONFLICT", 409],
    ["UNSUPPORTED_MEDIA_TYPE", 415],
    ["TOO_MANY_REQUESTS", 429],
    ["INTERNAL", 500],
  ];
  for (const [code, status] of table) {
    it(`derives status ${status} from code ${code}`, () => {
      assert.deepEqual(new ApiError(code, "Some message.").toErrorInfo(), {
        status,
        code,
        message: "Some message.",
      });
    });
  }

  it("gives every code a 4xx or 5xx status", () => {
    for (const status of Object.values(ERROR_STATUS)) assert.ok(status >= 400 && status < 600);
  });

  it("renders notFound as a CAMARA 404 NOT_FOUND sentence", () => {
    assert.deepEqual(ApiError.notFound("The registration").toErrorInfo(), {
      status: 404,
      code: "NOT_FOUND",
      message: "The registration is not found.",
    });
  });
});
