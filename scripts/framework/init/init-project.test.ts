import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { initProject } from "./init-project.ts";

describe("camara-webrtc init refuses", () => {
  const root = mkdtempSync(join(tmpdir(), "camara-webrtc-init-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  const cases: [string, { dir: string; release: string; apis?: string[] }, string][] = [
    [
      "a release the framework does not ship",
      { dir: join(root, "a"), release: "r9.9" },
      "release r9.9 is not one the framework ships; choose from r2.2, r3.1-rc.1.",
    ],
    [
      "an API the release does not have",
      { dir: join(root, "b"), release: "r2.2", apis: ["webrtc-registration", "webrtc-chat"] },
      "webrtc-chat is not an API of r2.2; choose from webrtc-registration, webrtc-call-handling, webrtc-events.",
    ],
    [
      "a folder that is not empty",
      { dir: join(root, "c"), release: "r2.2" },
      `${join(root, "c")} is not empty; init makes a new project in a new or empty folder.`,
    ],
  ];
  mkdirSync(join(root, "c"));
  writeFileSync(join(root, "c", "keep.txt"), "mine\n");

  for (const [name, options, message] of cases) {
    it(`${name}, with a usage error naming it`, async () => {
      await assert.rejects(initProject(options), { name: "UsageError", message });
    });
  }
});
