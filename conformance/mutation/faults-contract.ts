import { errorBody, type Fault, isError, isObject, type Json, ok } from "./fault-kit.ts";

/** Faults of the contract: statuses, headers, error bodies, success bodies. */
export const CONTRACT_FAULTS: readonly Fault[] = [
  // Statuses
  {
    name: "created-as-ok",
    kind: "status",
    description: "201 Created is answered as 200 OK",
    api: (x) => {
      if (x.status === 201) x.status = 200;
    },
  },
  {
    name: "no-content-as-ok",
    kind: "status",
    description: "204 No Content is answered as 200 OK",
    api: (x) => {
      if (x.status === 204) x.status = 200;
    },
  },
  {
    name: "ok-as-accepted",
    kind: "status",
    description: "200 OK on a read is answered as 202 Accepted",
    api: (x) => {
      if (x.method === "GET" && x.status === 200) x.status = 202;
    },
  },
  {
    name: "unauthenticated-as-forbidden",
    kind: "status",
    description: "401 UNAUTHENTICATED is answered as 403 PERMISSION_DENIED",
    api: (x) => {
      if (x.status === 401) errorBody(x, 403, "PERMISSION_DENIED");
    },
  },
  {
    name: "forbidden-as-not-found",
    kind: "status",
    description: "403 is answered as 404 NOT_FOUND",
    api: (x) => {
      if (x.status === 403) errorBody(x, 404, "NOT_FOUND");
    },
  },
  {
    name: "not-found-as-bad-request",
    kind: "status",
    description: "404 NOT_FOUND is answered as 400 INVALID_ARGUMENT",
    api: (x) => {
      if (x.status === 404) errorBody(x, 400, "INVALID_ARGUMENT");
    },
  },
  {
    name: "bad-request-as-unprocessable",
    kind: "status",
    description: "400 is answered as 422 (the status a validator picks, not CAMARA's)",
    api: (x) => {
      if (x.status === 400 && isError(x)) errorBody(x, 422, "UNPROCESSABLE_ENTITY");
    },
  },
  {
    name: "delete-fails",
    kind: "status",
    description: "a successful DELETE is answered as 500 INTERNAL",
    api: (x) => {
      if (x.method === "DELETE" && ok(x)) errorBody(x, 500, "INTERNAL");
    },
  },
  {
    name: "invalid-input-accepted",
    kind: "status",
    description: "400 INVALID_ARGUMENT is answered as 200 with an empty object",
    api: (x) => {
      if (x.status !== 400) return;
      x.status = 200;
      x.json = {};
    },
  },
  // Headers
  {
    name: "drop-x-correlator",
    kind: "headers",
    description: "responses lose the x-correlator header",
    api: (x) => {
      delete x.headers["x-correlator"];
    },
  },
  {
    name: "change-x-correlator",
    kind: "headers",
    description: "responses carry another x-correlator than the request's",
    api: (x) => {
      if (typeof x.headers["x-correlator"] === "string")
        x.headers["x-correlator"] = `${x.headers["x-correlator"]}-x`;
    },
  },
  {
    name: "drop-x-correlator-on-errors",
    kind: "headers",
    description: "error responses only lose the x-correlator header",
    api: (x) => {
      if (x.status >= 400) delete x.headers["x-correlator"];
    },
  },
  {
    name: "text-plain",
    kind: "headers",
    description: "JSON bodies are labelled text/plain",
    api: (x) => {
      if (x.json !== undefined) x.headers["content-type"] = "text/plain; charset=utf-8";
    },
  },
  // Error bodies
  {
    name: "wrong-error-code",
    kind: "error body",
    description: "an error's code is replaced by another one of the same status",
    api: (x) => {
      if (!isError(x)) return;
      const swap: Record<string, string> = {
        INVALID_ARGUMENT: "OUT_OF_RANGE",
        OUT_OF_RANGE: "INVALID_ARGUMENT",
        UNAUTHENTICATED: "AUTHENTICATION_REQUIRED",
        PERMISSION_DENIED: "INVALID_TOKEN_CONTEXT",
        INVALID_TOKEN_CONTEXT: "PERMISSION_DENIED",
        NOT_FOUND: "IDENTIFIER_NOT_FOUND",
      };
      const json = x.json as Json;
      json.code = swap[String(json.code)] ?? "INTERNAL";
    },
  },
  {
    name: "error-without-status",
    kind: "error body",
    description: "an error body loses its status",
    api: (x) => {
      if (isError(x)) delete (x.json as Json).status;
    },
  },
  {
    name: "error-status-mismatch",
    kind: "error body",
    description: "an error body's status differs from the HTTP status",
    api: (x) => {
      if (isError(x)) (x.json as Json).status = x.status === 404 ? 400 : 404;
    },
  },
  {
    name: "error-without-message",
    kind: "error body",
    description: "an error body loses its message",
    api: (x) => {
      if (isError(x)) delete (x.json as Json).message;
    },
  },
  {
    name: "error-empty-body",
    kind: "error body",
    description: "an error is answered without a body",
    api: (x) => {
      if (!isError(x)) return;
      x.json = undefined;
      x.text = "";
    },
  },
  // Success bodies
  {
    name: "drop-required-id",
    kind: "success body",
    description: "success bodies lose registrationId and id, required by their schemas",
    api: (x) => {
      const strip = (v: unknown) => {
        if (isObject(v)) {
          delete v.registrationId;
          delete v.id;
        }
      };
      if (!ok(x)) return;
      if (Array.isArray(x.json)) x.json.forEach(strip);
      else strip(x.json);
    },
  },
  {
    name: "drop-media-session-id",
    kind: "success body",
    description: "media session bodies lose mediaSessionId",
    api: (x) => {
      if (ok(x) && isObject(x.json)) delete x.json.mediaSessionId;
    },
  },
  {
    name: "bad-status-enum",
    kind: "success body",
    description: "a media session's or subscription's status is not one of the enum",
    api: (x) => {
      const mangle = (v: unknown) => {
        if (isObject(v) && typeof v.status === "string") v.status = "Ongoing";
      };
      if (!ok(x)) return;
      if (Array.isArray(x.json)) x.json.forEach(mangle);
      else mangle(x.json);
    },
  },
  {
    name: "bad-reg-status-enum",
    kind: "success body",
    description: "regInfo.regStatus is not one of the enum",
    api: (x) => {
      if (ok(x) && isObject(x.json) && isObject(x.json.regInfo)) x.json.regInfo.regStatus = "Active";
    },
  },
  {
    name: "drop-registration-expires-at",
    kind: "success body",
    description: "registration answers lose expiresAt",
    api: (x) =>
      void (ok(x) && /webrtc-registration/.test(x.path) && isObject(x.json) && delete x.json.expiresAt),
  },
  {
    name: "types-not-array",
    kind: "success body",
    description: "a subscription's types is a string, not an array",
    api: (x) => {
      const mangle = (v: unknown) => {
        if (isObject(v) && Array.isArray(v.types)) v.types = v.types[0];
      };
      if (!ok(x)) return;
      if (Array.isArray(x.json)) x.json.forEach(mangle);
      else mangle(x.json);
    },
  },
  {
    name: "list-not-array",
    kind: "success body",
    description: "the subscription list is wrapped in an object",
    api: (x) => {
      if (ok(x) && Array.isArray(x.json)) x.json = { subscriptions: x.json };
    },
  },
];
