import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BuiltManifest, BuiltOperation } from "../../codegen/build-manifest.ts";
import { handlerFactoryName, handlerModule } from "./handler-module.ts";

function operation(operationId: string, method: string, fullPath: string, scopes: string[]): BuiltOperation {
  return {
    api: "demo-widgets",
    release: "v1",
    operationId,
    method,
    path: fullPath.replace("/demo-widgets/v1", ""),
    fullPath,
    parameters: [],
    requestBody: null,
    responses: {},
    security: [],
    scopes,
  };
}

describe("a scaffolded handler module", () => {
  const manifest: BuiltManifest = {
    name: "demo-widgets",
    release: "v1",
    title: "Demo Widgets",
    version: "1.0.0",
    basePath: "/demo-widgets/v1",
    operations: [
      operation("createWidget", "post", "/demo-widgets/v1/widgets", ["demo-widgets:create"]),
      operation("getWidget", "get", "/demo-widgets/v1/widgets/{widgetId}", []),
    ],
  };

  it("types every operation with the generated interface and answers 501 until written", () => {
    assert.equal(handlerFactoryName("demo-widgets"), "demoWidgetsHandlers");
    assert.equal(
      handlerModule(manifest),
      `import { notImplemented, type RequestContext } from "camara-webrtc-runtime";
import type { DemoWidgets } from "../../generated/current.ts";

/** Demo Widgets 1.0.0: one method per operation of the contract. */
export function demoWidgetsHandlers(): DemoWidgets.DemoWidgetsHandlers<RequestContext> {
  return {
    /** POST /demo-widgets/v1/widgets. Scopes: demo-widgets:create. */
    async createWidget(_input, _ctx) {
      throw notImplemented("createWidget");
    },
    /** GET /demo-widgets/v1/widgets/{widgetId}. Scopes: none. */
    async getWidget(_input, _ctx) {
      throw notImplemented("getWidget");
    },
  };
}
`,
    );
  });
});
