/** A JSON Schema (OpenAPI 3.0 dialect); `$ref`s resolve against the API's effective spec. */
export type SchemaRef = { readonly [keyword: string]: unknown };

export type HttpMethod = "get" | "put" | "post" | "delete" | "patch" | "head" | "options" | "trace";

export interface ParameterManifest {
  readonly name: string;
  readonly in: "path" | "query" | "header" | "cookie";
  readonly required: boolean;
  readonly schema: SchemaRef;
}

export interface RequestBodyManifest {
  readonly required: boolean;
  /** Media type → schema. */
  readonly content: { readonly [mediaType: string]: SchemaRef };
}

export interface ResponseManifest {
  readonly description: string;
  /** Media type → schema; empty for responses without a body. */
  readonly content: { readonly [mediaType: string]: SchemaRef };
  /** Names of documented response headers. */
  readonly headers: readonly string[];
}

/**
 * One operation of release `R`. The release is a literal in each generated manifest, so an
 * operation of one release is not assignable to `OperationManifest<"another">`.
 */
export interface OperationManifest<R extends string = string> {
  readonly api: string;
  /** The CAMARA release (folder under api-definitions/camara/), e.g. `r2.2`. */
  readonly release: R;
  readonly operationId: string;
  readonly method: HttpMethod;
  /** The path as written in the spec, e.g. `/sessions/{registrationId}`. */
  readonly path: string;
  /** Server base path + path, e.g. `/webrtc-registration/v0.3/sessions/{registrationId}`. */
  readonly fullPath: string;
  readonly parameters: readonly ParameterManifest[];
  readonly requestBody: RequestBodyManifest | null;
  /** Status code (or `default`) → response. */
  readonly responses: { readonly [status: string]: ResponseManifest };
  /** Security requirements as in the spec: alternatives, each scheme → scopes. */
  readonly security: readonly { readonly [scheme: string]: readonly string[] }[];
  /** Every scope named by any requirement, sorted. */
  readonly scopes: readonly string[];
}

/** The manifest of one API of release `R`. */
export interface ApiManifest<R extends string = string> {
  readonly name: string;
  readonly release: R;
  readonly title: string;
  readonly version: string;
  /** Server base path, e.g. `/webrtc-registration/v0.3`. */
  readonly basePath: string;
  readonly operations: readonly OperationManifest<R>[];
}
