import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { fromRoot } from "../lib/paths.ts";
import { typecheckFolder } from "../lib/tsc.ts";
import { generateAll } from "./generate-all.ts";
import { writeFiles } from "./write-files.ts";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "test", "fixtures");
const specRel = "camara/v1/API_definitions/demo-widgets.yaml";

/** A hand-written implementation of the fixture API, as impl/ would hold it. */
const implementation = `import type { DemoWidgetsHandlers } from "./generated/v1/demo-widgets/handlers.ts";

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

/** Code that mixes the contracts of two releases whose specs are identical. */
const mixed = `import type { OperationManifest as V1Operation } from "./generated/v1/index.ts";
import type { OperationManifest as V2Operation } from "./generated/v2/index.ts";
import { apis as v2Apis } from "./generated/v2/index.ts";
import type { CreateWidgetSuccess as V1Success, DemoWidgetsHandlers as V1Handlers } from "./generated/v1/demo-widgets/handlers.ts";
import type { CreateWidgetSuccess as V2Success, DemoWidgetsHandlers as V2Handlers } from "./generated/v2/demo-widgets/handlers.ts";

declare const v1Handlers: V1Handlers;
declare const v1Success: V1Success;
declare const v1Operation: V1Operation;

export const sameReleaseHandlers: V1Handlers = v1Handlers;
export const handlersAcrossReleases: V2Handlers = v1Handlers;
export const successAcrossReleases: V2Success = v1Success;
export const operationAcrossReleases: V2Operation = v1Operation;
export const v2Operation: V2Operation | undefined = v2Apis[0]?.operations[0];
export const anyRelease: { readonly release: string } = v1Operation;
`;
const mixedLine = (needle: string) => mixed.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("contracts of two releases side by side", () => {
  it("refuse an r1 handler object, result or operation where r2's is expected, even with identical specs", async () => {
    const work = mkdtempSync(join(tmpdir(), "releases-"));
    workDirs.push(work);
    cpSync(join(fixtures, "defs"), join(work, "defs"), { recursive: true });
    cpSync(join(work, "defs/camara/v1"), join(work, "defs/camara/v2"), { recursive: true });
    cpSync(join(work, "defs/overlays/v1"), join(work, "defs/overlays/v2"), { recursive: true });
    const config = JSON.parse(readFileSync(join(work, "defs/apis.json"), "utf8"));
    config.releases.push({ ...config.releases[0], release: "v2" });
    writeFileSync(join(work, "defs/apis.json"), JSON.stringify(config));
    const { files } = await generateAll(join(work, "defs"));
    writeFiles(join(work, "generated"), files);
    writeFileSync(join(work, "mixed.ts"), mixed);
    rmSync(join(work, "defs"), { recursive: true });
    const result = typecheckFolder(work);
    const linesWithErrors = [...new Set(result.diagnostics.map((d) => /^mixed\.ts\((\d+),/.exec(d)?.[1]))];
    assert.deepEqual(
      linesWithErrors,
      [
        String(mixedLine("handlersAcrossReleases")),
        String(mixedLine("successAcrossReleases")),
        String(mixedLine("operationAcrossReleases")),
      ],
      result.diagnostics.join("\n"),
    );
    assert.ok(
      result.diagnostics.every((d) => /generated\/v1\/.* is not assignable to .*generated\/v2\//.test(d)),
      result.diagnostics.join("\n"),
    );
  });
});

/** The same mix on the committed generated/: r2.2 (served) against r3.1-rc.1. */
const realMixed = `import type { OperationManifest as R31Operation } from "./generated/r3.1-rc.1/index.ts";
import { apis as r22Apis } from "./generated/r2.2/index.ts";
import type { DeleteRegistrationByIdSuccess as R22Deleted, WebrtcRegistrationHandlers as R22Handlers } from "./generated/r2.2/webrtc-registration/handlers.ts";
import type { DeleteRegistrationByIdSuccess as R31Deleted, WebrtcRegistrationHandlers as R31Handlers } from "./generated/r3.1-rc.1/webrtc-registration/handlers.ts";

declare const r22Handlers: R22Handlers;
declare const r22Deleted: R22Deleted;

export const handlers: R31Handlers = r22Handlers;
export const deleted: R31Deleted = r22Deleted;
export const operation: R31Operation | undefined = r22Apis[0]?.operations[0];
export const fresh: R31Deleted = { status: 204 };
`;
const realLine = (needle: string) => realMixed.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("the committed generated/ of r2.2 and r3.1-rc.1", () => {
  it("refuses r2.2 handlers, results and operations where r3.1-rc.1's are expected", () => {
    const work = mkdtempSync(join(tmpdir(), "releases-real-"));
    workDirs.push(work);
    cpSync(fromRoot("generated"), join(work, "generated"), { recursive: true });
    writeFileSync(join(work, "mixed.ts"), realMixed);
    const result = typecheckFolder(work);
    assert.deepEqual(
      [...new Set(result.diagnostics.map((d) => /^mixed\.ts\((\d+),/.exec(d)?.[1]))],
      [
        String(realLine("handlers: R31Handlers")),
        String(realLine("deleted: R31Deleted")),
        String(realLine("operation: R31Operation")),
      ],
      result.diagnostics.join("\n"),
    );
  });
});
