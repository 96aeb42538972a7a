import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { apiSources } from "./codegen/release-config.ts";
import { fromRoot } from "./lib/paths.ts";

const work = mkdtempSync(join(tmpdir(), "oag-"));
after(() => rmSync(work, { recursive: true, force: true }));

function run(config: object, env: NodeJS.ProcessEnv = {}) {
  const file = join(work, `openapitools-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  return spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      fromRoot("scripts/openapi-generator.ts"),
      "typescript-fetch",
      "--config",
      file,
      "--out",
      join(work, "out"),
    ],
    { encoding: "utf8", cwd: fromRoot(), env: { ...process.env, ...env } },
  );
}

describe("generate:openapi-generator", () => {
  it("without a JAR explains what to provide and exits 2 without downloading", () => {
    const result = run({ "generator-cli": { version: "7.17.0", storageDir: join(work, "nojar") } });
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      new RegExp(`No openapi-generator JAR at ${join(work, "nojar", "7.17.0.jar")}`),
    );
    assert.match(result.stderr, /never downloads/);
    assert.match(result.stderr, /org\.openapitools:openapi-generator-cli:7\.17\.0/);
  });

  it("without a version in openapitools.json says which key to set", () => {
    const result = run({ "generator-cli": {} });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /"generator-cli": \{ "version"/);
  });

  it("with a JAR runs it on the effective spec of every API of every release", () => {
    const storage = join(work, "jars");
    mkdirSync(storage);
    writeFileSync(join(storage, "7.17.0.jar"), "");
    const log = join(work, "java-args.log");
    const fakeJava = join(work, "java");
    writeFileSync(fakeJava, `#!/bin/sh\necho "$@" >> ${log}\n`);
    chmodSync(fakeJava, 0o755);
    const result = run({ "generator-cli": { version: "7.17.0", storageDir: storage } }, { JAVA: fakeJava });
    assert.equal(result.status, 0, result.stderr);
    const calls = readFileSync(log, "utf8").trim().split("\n");
    assert.equal(calls.length, apiSources(fromRoot("api-definitions")).length);
    assert.match(
      calls[0] ?? "",
      /-jar .*7\.17\.0\.jar generate -i .*generated\/r2\.2\/webrtc-registration\/openapi\.json -g typescript-fetch/,
    );
  });
});
