import { ApiError, type ErrorCode } from "../errors/api-error.ts";

/** One problem reported by express-openapi-validator. */
export interface ValidatorIssue {
  readonly path?: string;
  readonly message?: string;
  readonly errorCode?: string;
}

/** Keywords whose violation means "a value outside its range" (CAMARA OUT_OF_RANGE). */
const RANGE_KEYWORDS = new Set(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]);

/**
 * Operation-specific codes the specs document for particular fields (CreateSubscriptionBadRequest400,
 * CreateSubscriptionUnprocessableEntity422). Checked in order; the first match wins.
 */
const FIELD_CODES: readonly {
  operationId: string;
  path: RegExp;
  keyword?: string;
  code: ErrorCode;
  message: string;
}[] = [
  {
    operationId: "createNotificationChannelSubscription",
    path: /^\/body\/types$/,
    keyword: "maxItems",
    code: "MULTIEVENT_SUBSCRIPTION_NOT_SUPPORTED",
    message: "Multi event types subscription not managed.",
  },
  {
    operationId: "createNotificationChannelSubscription",
    path: /^\/body\/protocol$/,
    code: "INVALID_PROTOCOL",
    message: "Only HTTP is supported.",
  },
  {
    operationId: "createNotificationChannelSubscription",
    path: /^\/body\/sink$/,
    code: "INVALID_SINK",
    message: "sink not valid for the specified protocol: it must be an https URL.",
  },
  {
    operationId: "createNotificationChannelSubscription",
    path: /^\/body\/sinkCredential\/credentialType$/,
    code: "INVALID_CREDENTIAL",
    message: "Only Access token is supported.",
  },
  {
    operationId: "createNotificationChannelSubscription",
    path: /^\/body\/sinkCredential\/accessTokenType$/,
    code: "INVALID_TOKEN",
    message: "Only bearer token is supported.",
  },
];

function keywordOf(issue: ValidatorIssue): string {
  return issue.errorCode?.split(".")[0] ?? "";
}

/** A readable sentence from the validator's issues: `body.deviceId must match format "uuid"`. */
function sentence(issues: readonly ValidatorIssue[]): string {
  const parts = issues.slice(0, 3).map((i) => {
    // For `required`, the validator's path already names the missing property, which the message
    // repeats: report it at its parent ("body must have required property 'deviceId'").
    const path = keywordOf(i) === "required" ? (i.path ?? "").replace(/\/[^/]*$/, "") : (i.path ?? "");
    const where = path.replace(/^\//, "").replace(/\//g, ".");
    return `${where ? `${where} ` : ""}${i.message ?? "is invalid"}`;
  });
  return `Client specified an invalid argument: ${parts.join("; ")}.`;
}

/** Translates a 400 from express-openapi-validator into the documented CAMARA error. */
export function validationError(
  operationId: string | undefined,
  issues: readonly ValidatorIssue[],
): ApiError {
  for (const rule of FIELD_CODES) {
    if (rule.operationId !== operationId) continue;
    // A missing property stays INVALID_ARGUMENT (createSubscription 400.2 sends `{}`); the specific
    // codes are for a present field with a value the operation does not support.
    const hit = issues.find(
      (i) =>
        rule.path.test(i.path ?? "") &&
        keywordOf(i) !== "required" &&
        (!rule.keyword || keywordOf(i) === rule.keyword),
    );
    if (hit) return new ApiError(rule.code, rule.message);
  }
  if (issues.length > 0 && issues.every((i) => RANGE_KEYWORDS.has(keywordOf(i)))) {
    return new ApiError("OUT_OF_RANGE", sentence(issues).replace("an invalid argument", "an invalid range"));
  }
  return new ApiError("INVALID_ARGUMENT", sentence(issues));
}
