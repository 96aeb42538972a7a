import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyOverlay, type OverlayDocument } from "./apply-overlay.ts";

const overlay = (actions: OverlayDocument["actions"]): OverlayDocument => ({
  overlay: "1.0.0",
  info: { title: "t", version: "1" },
  actions,
});

describe("applyOverlay", () => {
  const doc = { a: { b: { pattern: "uuid", type: "string" } }, list: [1, 2], keep: true };

  it("removes a targeted property and merges an update, leaving the input untouched", () => {
    const out = applyOverlay(
      doc,
      overlay([
        { target: "$.a.b.pattern", remove: true },
        { target: "$.a.b", update: { format: "uuid" } },
      ]),
      "o",
    );
    assert.deepEqual(out, { a: { b: { type: "string", format: "uuid" } }, list: [1, 2], keep: true });
    assert.equal(doc.a.b.pattern, "uuid");
  });

  it("concatenates arrays on update", () => {
    assert.deepEqual(
      (applyOverlay(doc, overlay([{ target: "$.list", update: [3] }]), "o") as typeof doc).list,
      [1, 2, 3],
    );
  });

  it("rejects an action whose target matches nothing, naming the overlay and target", () => {
    assert.throws(
      () => applyOverlay(doc, overlay([{ target: "$.nope", remove: true }]), "x.yaml"),
      /x\.yaml: action 0 target \$\.nope matches nothing/,
    );
  });

  it("rejects an overlay version other than 1.0.x", () => {
    assert.throws(
      () => applyOverlay(doc, { ...overlay([]), overlay: "2.0.0" }, "o"),
      /unsupported overlay version/,
    );
  });

  it("rejects an action with neither update nor remove", () => {
    assert.throws(() => applyOverlay(doc, overlay([{ target: "$.a" }]), "o"), /neither update nor remove/);
  });
});
