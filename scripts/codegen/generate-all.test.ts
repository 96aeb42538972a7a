import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { generateAll } from "./generate-all.ts";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "test", "fixtures");
const expectedDir = join(fixtures, "expected");

function listExpected(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? listExpected(join(dir, e.name))
      : [relative(expectedDir, join(dir, e.name)).split(sep).join("/")],
  );
}

describe("generateAll on the fixture spec", () => {
  it("writes exactly the checked-in expected output", async () => {
    const { files } = await generateAll(join(fixtures, "defs"));
    if (process.env.UPDATE_EXPECTED === "1") {
      for (const [rel, text] of files) {
        mkdirSync(dirname(join(expectedDir, rel)), { recursive: true });
        writeFileSync(join(expectedDir, rel), text);
      }
    }
    assert.deepEqual([...files.keys()].sort(), listExpected(expectedDir).sort());
    for (const [rel, text] of files) {
      assert.equal(text, readFileSync(join(expectedDir, rel), "utf8"), `${rel} differs from expected output`);
    }
  });

  it("gives byte-identical output on a second run", async () => {
    const first = await generateAll(join(fixtures, "defs"));
    const second = await generateAll(join(fixtures, "defs"));
    assert.deepEqual([...second.files], [...first.files]);
  });

  it("applies the overlay before generating types", async () => {
    const { files } = await generateAll(join(fixtures, "defs"));
    const types = files.get("v1/demo-widgets/types.ts") ?? "";
    assert.match(types, /colour\?: "red" \| "green"/);
  });

  it("puts server base path, scopes and merged path-level parameters in the manifest", async () => {
    const { manifests } = await generateAll(join(fixtures, "defs"));
    const ops = manifests[0]?.operations ?? [];
    assert.equal(manifests[0]?.basePath, "/demo-widgets/v1");
    assert.deepEqual(
      ops.map((o) => [o.operationId, o.method, o.fullPath, o.scopes.join(" ")]),
      [
        ["createWidget", "post", "/demo-widgets/v1/widgets", "demo-widgets:widgets:create"],
        ["deleteWidget", "delete", "/demo-widgets/v1/widgets/{widgetId}", "demo-widgets:widgets:delete"],
        ["getWidget", "get", "/demo-widgets/v1/widgets/{widgetId}", "demo-widgets:widgets:read"],
      ],
    );
    assert.deepEqual(
      ops
        .find((o) => o.operationId === "deleteWidget")
        ?.parameters.map((p) => `${p.in}:${p.name}:${p.required}`),
      ["path:widgetId:true", "query:force:false"],
    );
  });

  it("never writes an absolute path of this machine", async () => {
    const { files } = await generateAll(join(fixtures, "defs"));
    for (const [rel, text] of files) assert.ok(!text.includes(fixtures), `${rel} contains an absolute path`);
  });
});
