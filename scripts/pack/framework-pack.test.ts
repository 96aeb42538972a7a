import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromRoot } from "../lib/paths.ts";
import { FRAMEWORK_PACKAGES } from "./framework-pack.ts";
import { importClosure } from "./import-closure.ts";

function closureOf(name: string) {
  const spec = FRAMEWORK_PACKAGES.find((p) => p.name === name);
  assert.ok(spec, name);
  return importClosure(fromRoot(), spec.entries);
}

describe("the framework packages", () => {
  it("camara-webrtc-runtime holds the HTTP runtime and nothing of the gateway's services, engines, store or handlers", () => {
    const { files, packages } = closureOf("camara-webrtc-runtime");
    // Three small generic files still live beside the gateway's code (README, "Build your own gateway").
    const generic = new Set([
      "impl/runtime/request-context.ts",
      "impl/runtime/auth/principal-phone.ts",
      "impl/runtime/errors/store-unavailable-error.ts",
    ]);
    const stray = files.filter(
      (f) => !/^(impl\/(runtime|http|auth|errors|validation)\/|generated\/)/.test(f) && !generic.has(f),
    );
    assert.deepEqual(stray, []);
    assert.deepEqual(
      files.filter((f) => f.startsWith("impl/http/handlers/") || f.endsWith(".test.ts")),
      [],
    );
    assert.ok(
      !packages.includes("sip.js") && !packages.includes("better-sqlite3") && !packages.includes("pg"),
    );
  });

  it("camara-webrtc holds the CLI, the generator and the spec tools, and nothing of impl/ but the schema validator", () => {
    const { files } = closureOf("camara-webrtc");
    assert.ok(
      files.includes("scripts/framework/cli.ts") && files.includes("scripts/codegen/generate-all.ts"),
    );
    assert.deepEqual(
      files.filter((f) => f.startsWith("impl/")),
      ["impl/runtime/validation/ajv-core.ts"],
    );
    assert.deepEqual(
      files.filter((f) => f.endsWith(".test.ts") || f.startsWith("conformance/")),
      [],
    );
  });
});
