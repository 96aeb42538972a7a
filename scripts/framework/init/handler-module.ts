import type { BuiltManifest } from "../../codegen/build-manifest.ts";
import { camelCase, pascalCase } from "../../codegen/names.ts";

/** The file name of an API's handler module under src/handlers/. */
export function handlerModuleFile(api: string): string {
  return `${api}.ts`;
}

/** The function an API's handler module exports: `webrtcRegistrationHandlers`. */
export function handlerFactoryName(api: string): string {
  return `${camelCase(api)}Handlers`;
}

/**
 * One API's handler module: every operation typed by the generated interface and answering
 * 501 NOT_IMPLEMENTED until it is written. The typed return value is what makes `tsc` fail here
 * when an update changes an operation this module implements.
 */
export function handlerModule(manifest: BuiltManifest): string {
  const contract = pascalCase(manifest.name);
  const methods = manifest.operations.map((op) =>
    [
      `    /** ${op.method.toUpperCase()} ${op.fullPath}. Scopes: ${op.scopes.join(", ") || "none"}. */`,
      `    async ${op.operationId}(_input, _ctx) {`,
      `      throw notImplemented(${JSON.stringify(op.operationId)});`,
      "    },",
    ].join("\n"),
  );
  return [
    'import { notImplemented, type RequestContext } from "camara-webrtc-runtime";',
    `import type { ${contract} } from "../../generated/current.ts";`,
    "",
    `/** ${manifest.title} ${manifest.version}: one method per operation of the contract. */`,
    `export function ${handlerFactoryName(manifest.name)}(): ${contract}.${contract}Handlers<RequestContext> {`,
    "  return {",
    ...methods,
    "  };",
    "}",
    "",
  ].join("\n");
}
