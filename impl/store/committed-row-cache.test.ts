import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCommittedRowCache } from "./committed-row-cache.ts";

/** A table stand-in counting its reads. */
function table(rows: Record<string, string>) {
  let reads = 0;
  return {
    load: (id: string) => () => {
      reads += 1;
      return rows[id];
    },
    get reads() {
      return reads;
    },
  };
}

describe("committed row cache", () => {
  it("reads a row once and serves it from the cache afterwards; absent rows are not cached", () => {
    const cache = createCommittedRowCache(10);
    const t = table({ a: "A" });
    assert.equal(cache.read("a", t.load("a")), "A");
    assert.equal(cache.read("a", t.load("a")), "A");
    assert.equal(cache.read("x", t.load("x")), undefined);
    assert.equal(cache.read("x", t.load("x")), undefined);
    assert.equal(t.reads, 3);
  });

  it("forgets a row when a write to it is queued and does not cache it until the write settled", () => {
    const cache = createCommittedRowCache(10);
    const rows: Record<string, string> = { a: "old" };
    const t = table(rows);
    cache.read("a", t.load("a"));
    const settled = cache.writing("a");
    assert.equal(cache.read("a", t.load("a")), "old", "the committed state while the write is queued");
    rows.a = "new"; // committed
    assert.equal(cache.read("a", t.load("a")), "new", "not the state read while the write was queued");
    settled();
    assert.equal(cache.read("a", t.load("a")), "new");
    const readsBefore = t.reads;
    assert.equal(cache.read("a", t.load("a")), "new");
    assert.equal(t.reads, readsBefore, "cached again once the write settled");
  });

  it("waits for every queued write to a row, and settling one twice counts once", () => {
    const cache = createCommittedRowCache(10);
    const t = table({ a: "A" });
    const first = cache.writing("a");
    const second = cache.writing("a");
    first();
    first();
    cache.read("a", t.load("a"));
    cache.read("a", t.load("a"));
    assert.equal(t.reads, 2, "a write is still queued");
    second();
    cache.read("a", t.load("a"));
    cache.read("a", t.load("a"));
    assert.equal(t.reads, 3);
  });

  it("keeps at most `capacity` rows, dropping the oldest cached first; capacity 0 caches nothing", () => {
    const cache = createCommittedRowCache(2);
    const t = table({ a: "A", b: "B", c: "C" });
    for (const id of ["a", "b", "c"]) cache.read(id, t.load(id));
    assert.equal(cache.size, 2);
    cache.read("b", t.load("b"));
    cache.read("c", t.load("c"));
    assert.equal(t.reads, 3);
    cache.read("a", t.load("a"));
    assert.equal(t.reads, 4, "a was dropped");
    const off = createCommittedRowCache(0);
    off.read("a", t.load("a"));
    assert.equal(off.size, 0);
  });
});
