import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { typecheckFolder } from "../lib/tsc.ts";
import { generateAll } from "./generate-all.ts";
import { writeFiles } from "./write-files.ts";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "test", "fixtures");
const specRel = "camara/v1/API_definitions/demo-widgets.yaml";

/** A hand-written implementation of the fixture API, as impl/ would hold it. */
const implementation = `import type { DemoWidgetsHandlers } from "./generated/demo-widgets/handlers.ts";

export const handlers: DemoWidgetsHandlers = {
  async createWidget(input) {
    return { status: 201, body: { widgetId: "w-1", name: input.body.name } };
  },
  async getWidget(input) {
    return { status: 200, body: { widgetId: input.path.widgetId, name: "w" } };
  },
  async deleteWidget(input) {
    return input.query.force === true ? { status: 204 } : { status: 204 };
  },
};
`;
const lineOf = (needle: string) => implementation.split("\n").findIndex((l) => l.includes(needle)) + 1;

const workDirs: string[] = [];
after(() => {
  for (const d of workDirs) rmSync(d, { recursive: true, force: true });
});

/** Copies the fixture definitions, edits the spec, generates and type-checks the implementation. */
async function compileAgainst(editSpec: (yaml: string) => string) {
  const work = mkdtempSync(join(tmpdir(), "contract-"));
  workDirs.push(work);
  cpSync(join(fixtures, "defs"), join(work, "defs"), { recursive: true });
  const specFile = join(work, "defs", specRel);
  writeFileSync(specFile, editSpec(readFileSync(specFile, "utf8")));
  const { files } = await generateAll(join(work, "defs"));
  writeFiles(join(work, "generated"), files);
  writeFileSync(join(work, "impl.ts"), implementation);
  rmSync(join(work, "defs"), { recursive: true });
  return typecheckFolder(work);
}

describe("typed handler contract", () => {
  it("compiles an implementation that matches the spec", async () => {
    const result = await compileAgainst((y) => y);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.ok, true);
  });

  it("fails to compile at the handler of an operation removed from the spec", async () => {
    const result = await compileAgainst((y) => {
      const start = y.indexOf("    delete:\n");
      return y.slice(0, start) + y.slice(y.indexOf("components:\n"));
    });
    assert.equal(result.ok, false);
    assert.ok(
      result.diagnostics.some(
        (d) =>
          d.startsWith(`impl.ts(${lineOf("async deleteWidget")},`) &&
          d.includes("'deleteWidget' does not exist"),
      ),
      result.diagnostics.join("\n"),
    );
    assert.ok(
      result.diagnostics.every((d) => d.startsWith("impl.ts(")),
      "errors appear only in the implementation",
    );
  });

  it("fails to compile where a renamed required body property is read and returned", async () => {
    const result = await compileAgainst((y) =>
      y.replace(
        "      required:\n        - name\n      properties:\n        name:",
        "      required:\n        - title\n      properties:\n        title:",
      ),
    );
    assert.equal(result.ok, false);
    const createLine = lineOf("input.body.name");
    assert.ok(
      result.diagnostics.some((d) => d.startsWith(`impl.ts(${createLine},`) && d.includes("'name'")),
      result.diagnostics.join("\n"),
    );
    assert.ok(
      result.diagnostics.every((d) => d.startsWith("impl.ts(")),
      "errors appear only in the implementation",
    );
  });
});
