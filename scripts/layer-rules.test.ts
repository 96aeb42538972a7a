import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fromRoot } from "./lib/paths.ts";

/**
 * A tree shaped like the repository, each file one import: every rule of .dependency-cruiser.cjs
 * meets one violating import and the imports it allows. The real tree is checked by `npm run layers`.
 */
const TREE: Record<string, string[]> = {
  "impl/engine/engine.ts": [],
  "impl/engine/sip/sip-core.ts": ['import type {} from "sip.js/lib/core/index.js";'],
  "impl/engine/sip/uses-media.ts": ['import type {} from "../media/anchor.ts";'],
  "impl/engine/media/anchor.ts": ['import type {} from "../engine.ts";'],
  "impl/engine/media/leak.ts": ['import type {} from "../sip/sip-core.ts";'],
  "impl/engine/offline/upward.ts": ['import type {} from "../../services/service.ts";'],
  "impl/http/handler.ts": [
    'import type {} from "express";',
    'import type {} from "../services/service.ts";',
    'import type {} from "../engine/engine.ts";',
    'import type {} from "../engine/sip/sip-core.ts";',
  ],
  "impl/http/render.ts": [],
  "impl/services/service.ts": [
    'import type {} from "../engine/engine.ts";',
    'import type {} from "../engine/media/anchor.ts";',
    'import type {} from "../http/render.ts";',
  ],
  "impl/services/direct.ts": ['import type {} from "sip.js/lib/core/index.js";'],
  "impl/store/web.ts": ['import type {} from "express";'],
  "impl/relay/ca.ts": ['import type {} from "../../scripts/dev-ca/dev-ca.ts";'],
  "impl/relay/sink.ts": ['import type {} from "../../conformance/sink/index.ts";'],
  "impl/relay/relay.test.ts": [
    'import type {} from "../../scripts/lab/lab.ts";',
    'import type {} from "../../scripts/codegen/generate.ts";',
    'import type {} from "../../conformance/sink/index.ts";',
  ],
  "impl/relay/testing/kit.ts": ['import type {} from "../../../conformance/steps/world.ts";'],
  "impl/testing/gateway.ts": [
    'import type {} from "../../scripts/lab/lab.ts";',
    'import type {} from "../../scripts/dev-ca/dev-ca.ts";',
    'import type {} from "../../conformance/sink/index.ts";',
  ],
  "impl/cycle/one.ts": ['import type {} from "./two.ts";'],
  "impl/cycle/two.ts": ['import type {} from "./one.ts";'],
  "impl/cycle/missing.ts": ['import type {} from "./nowhere.ts";'],
  "generated/api/a.ts": ['import type {} from "./b.ts";'],
  "generated/api/b.ts": ['import type {} from "./a.ts";'],
  "scripts/lab/lab.ts": [],
  "scripts/dev-ca/dev-ca.ts": [],
  "scripts/codegen/generate.ts": [],
  "conformance/sink/index.ts": [],
  "conformance/steps/world.ts": ['import type {} from "../../impl/engine/engine.ts";'],
  "impl/runtime/package.json": [
    '{ "name": "camara-webrtc-runtime", "type": "module", "exports": "./index.ts" }',
  ],
  "impl/runtime/index.ts": [
    'import type {} from "./api.ts";',
    'import type {} from "../../generated/api/a.ts";',
  ],
  "impl/runtime/api.ts": ['import type {} from "../store/web.ts";'],
  "impl/runtime/api.test.ts": ['import type {} from "../../generated/api/b.ts";'],
  "impl/runtime/auth/testing/kit.ts": [],
  "impl/gateway.ts": [
    'import type {} from "camara-webrtc-runtime";',
    'import type {} from "./runtime/api.ts";',
  ],
  "impl/gateway.test.ts": ['import type {} from "./runtime/auth/testing/kit.ts";'],
  "impl/store/kit-user.ts": ['import type {} from "../runtime/auth/testing/kit.ts";'],
  "package.json": ['{ "name": "root", "private": true, "workspaces": ["impl/runtime"] }'],
  "node_modules/sip.js/package.json": ['{ "name": "sip.js", "type": "module" }'],
  "node_modules/sip.js/lib/core/index.js": [],
  "node_modules/express/package.json": ['{ "name": "express", "main": "index.js" }'],
  "node_modules/express/index.js": [],
};

const WANT = [
  "conformance-not-to-impl: conformance/steps/world.ts → impl/engine/engine.ts",
  "engine-not-up: impl/engine/offline/upward.ts → impl/services/service.ts",
  "express-only-in-http: impl/store/web.ts → node_modules/express/index.js",
  "http-uses-engine-interfaces-only: impl/http/handler.ts → impl/engine/sip/sip-core.ts",
  "impl-not-to-conformance: impl/relay/sink.ts → conformance/sink/index.ts",
  "impl-not-to-scripts: impl/relay/ca.ts → scripts/dev-ca/dev-ca.ts",
  "impl-tests-only-to-the-lab: impl/relay/relay.test.ts → scripts/codegen/generate.ts",
  "impl-tests-only-to-the-sink: impl/relay/testing/kit.ts → conformance/steps/world.ts",
  "media-not-to-sip: impl/engine/media/leak.ts → impl/engine/sip/sip-core.ts",
  "no-circular: impl/cycle/one.ts → impl/cycle/two.ts",
  "not-to-unresolvable: impl/cycle/missing.ts → ./nowhere.ts",
  "runtime-code-stands-alone: impl/runtime/index.ts → generated/api/a.ts",
  "runtime-is-its-own-package: impl/runtime/api.ts → impl/store/web.ts",
  "runtime-only-through-its-package: impl/gateway.ts → impl/runtime/api.ts",
  "runtime-test-kits-only-in-tests: impl/store/kit-user.ts → impl/runtime/auth/testing/kit.ts",
  "services-not-to-http: impl/services/service.ts → impl/http/render.ts",
  "services-use-engine-interfaces-only: impl/services/service.ts → impl/engine/media/anchor.ts",
  "sip-not-to-media: impl/engine/sip/uses-media.ts → impl/engine/media/anchor.ts",
  "sip.js-only-in-engine-sip: impl/services/direct.ts → node_modules/sip.js/lib/core/index.js",
];

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

describe("the layer rules (.dependency-cruiser.cjs)", () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "layer-rules-"));
    for (const [path, imports] of Object.entries(TREE)) {
      mkdirSync(join(root, dirname(path)), { recursive: true });
      const json = path.endsWith(".json");
      writeFileSync(join(root, path), json ? imports.join("") : `${imports.join("\n")}\nexport {};\n`);
    }
    // The runtime is a workspace package, linked into node_modules as npm ci links it.
    symlinkSync(join("..", "impl", "runtime"), join(root, "node_modules", "camara-webrtc-runtime"));
    writeFileSync(
      join(root, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "NodeNext", allowImportingTsExtensions: true, noEmit: true },
      }),
    );
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("reports exactly the violating import of each rule, and allows the rest", () => {
    const json = spawnSync(
      fromRoot("node_modules", ".bin", "depcruise"),
      [
        "--config",
        fromRoot(".dependency-cruiser.cjs"),
        "--output-type",
        "json",
        "impl",
        "scripts",
        "conformance",
        "generated",
      ],
      { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    assert.equal(json.stderr, "");
    const violations = (JSON.parse(json.stdout) as { summary: { violations: Violation[] } }).summary
      .violations;
    const got = violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
    assert.deepEqual(got, WANT);
  });
});
