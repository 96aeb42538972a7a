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
  it("camara-webrtc-runtime is exactly impl/runtime/ (no test), nothing of the gateway, the generated releases or the scripts", () => {
    const { files, packages } = closureOf("camara-webrtc-runtime");
    assert.deepEqual(
      files.filter(
        (f) => !f.startsWith("impl/runtime/") || f.endsWith(".test.ts") || f.includes("/testing/"),
      ),
      [],
    );
    assert.ok(
      files.includes("impl/runtime/http/create-app.ts") && files.includes("impl/runtime/manifest-types.ts"),
    );
    assert.ok(
      !packages.includes("sip.js") && !packages.includes("better-sqlite3") && !packages.includes("pg"),
    );
  });

  it("camara-webrtc holds the CLI, the generator and the spec tools, and reaches the runtime only as the camara-webrtc-runtime package", () => {
    const { files, packages } = closureOf("camara-webrtc");
    assert.ok(
      files.includes("scripts/framework/cli.ts") && files.includes("scripts/codegen/generate-all.ts"),
    );
    assert.deepEqual(
      files.filter((f) => f.startsWith("impl/")),
      [],
    );
    assert.ok(packages.includes("camara-webrtc-runtime"));
    assert.deepEqual(
      files.filter((f) => f.endsWith(".test.ts") || f.startsWith("conformance/")),
      [],
    );
  });
});
