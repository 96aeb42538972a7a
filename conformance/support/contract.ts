import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ApiManifest, OperationManifest } from "../../generated/manifest-types.ts";
import { DEFAULT_RELEASE, suiteRelease } from "../run/suite-release.ts";
import { createOpenApiValidator, type OpenApiValidator } from "../schema/ajv-openapi.ts";
import type { SchemaContext } from "../schema/schema-samples.ts";

/**
 * The contract the suite checks a gateway against: the operation manifests and effective specs
 * that `npm run generate` wrote into generated/, and a validator over them. The suite is
 * spec-driven: paths, methods, statuses and schemas all come from here.
 */
export interface Contract {
  readonly release: string;
  readonly apis: readonly ApiManifest[];
  readonly validator: OpenApiValidator;
  /** The effective spec (overlays applied) of an API. */
  spec(api: string): object;
  schemaContext(api: string): SchemaContext;
  operation(operationId: string): OperationManifest;
  /** The API whose base path starts `path` (a resource path such as `/webrtc-events/v0.2/…`). */
  apiOfPath(path: string): ApiManifest | undefined;
  /** The operation whose `fullPath` template matches a concrete path, with its path parameters. */
  match(method: string, path: string): MatchedOperation | undefined;
  /** Every operation whose `fullPath` template matches a concrete path (any method). */
  operationsAt(path: string): OperationManifest[];
}

export interface MatchedOperation {
  readonly operation: OperationManifest;
  readonly pathParams: Readonly<Record<string, string>>;
}

const loaded = new Map<string, Contract>();

/** The contract of a generated release (default r2.2), loaded once per process. */
export function loadContract(release: string = DEFAULT_RELEASE): Contract {
  let contract = loaded.get(release);
  if (!contract) {
    contract = buildContract(release);
    loaded.set(release, contract);
  }
  return contract;
}

function buildContract(release: string): Contract {
  const { apis, effectiveSpecFiles } = suiteRelease(release);
  const specs: Record<string, object> = {};
  for (const [name, file] of Object.entries(effectiveSpecFiles)) {
    const path = fileURLToPath(new URL(`../../generated/${file}`, import.meta.url));
    specs[name] = JSON.parse(readFileSync(path, "utf8")) as object;
  }
  const validator = createOpenApiValidator(specs);
  const operations = apis.flatMap((a) => a.operations);
  const templates = operations.map((operation) => ({ operation, regex: templateRegex(operation.fullPath) }));
  const spec = (api: string): object => {
    const found = specs[api];
    if (!found) throw new Error(`No API named ${api}; known: ${Object.keys(specs).join(", ")}`);
    return found;
  };
  return {
    release,
    apis,
    validator,
    spec,
    schemaContext: (api) => ({ api, document: spec(api), validator }),
    operation(operationId) {
      const found = operations.find((o) => o.operationId === operationId);
      if (!found) {
        throw new Error(
          `No operation "${operationId}" in the ${release} specs; known: ${operations.map((o) => o.operationId).join(", ")}`,
        );
      }
      return found;
    },
    apiOfPath: (path) => apis.find((a) => path === a.basePath || path.startsWith(`${a.basePath}/`)),
    match(method, path) {
      for (const { operation, regex } of templates) {
        if (operation.method !== method.toLowerCase()) continue;
        const m = regex.exec(path);
        if (m) return { operation, pathParams: { ...m.groups } };
      }
      return undefined;
    },
    operationsAt: (path) => templates.filter((t) => t.regex.test(path)).map((t) => t.operation),
  };
}

/** `/a/{id}/b` → `^/a/(?<id>[^/]*)/b$`: an empty segment still matches, as an empty parameter. */
function templateRegex(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) =>
      part.startsWith("{")
        ? `(?<${part.slice(1, -1).replace(/[^A-Za-z0-9_]/g, "_")}>[^/]*)`
        : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${source}$`);
}
