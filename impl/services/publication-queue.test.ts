import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPublicationQueue } from "./publication-queue.ts";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("publication queue", () => {
  it("runs steps one at a time in queue order, a failing step not stopping the next", async () => {
    const queue = createPublicationQueue();
    const order: string[] = [];
    const slow = queue.serial(async () => {
      await tick();
      order.push("first");
    });
    const failing = queue.serial(async () => {
      order.push("second");
      throw new Error("step failed");
    });
    const third = queue.serial(async () => void order.push("third"));
    await Promise.all([slow, failing.catch(() => undefined), third]);
    assert.deepEqual(order, ["first", "second", "third"]);
    await assert.rejects(failing, /step failed/);
  });

  it("starts a step that reads subscriptions only once the creations queued before it are stored", async () => {
    const queue = createPublicationQueue();
    let store: () => void = () => undefined;
    const stored = new Promise<void>((resolve) => {
      store = resolve;
    });
    await queue.serial(async () => queue.creationStored(stored));
    let ran = false;
    const reader = queue.afterCreations(async () => {
      ran = true;
    });
    await tick();
    assert.equal(ran, false, "the creation is not stored yet");
    store();
    await reader;
    assert.equal(ran, true);
  });

  it("settles a committed step once its writes committed, with the first failure among them", async () => {
    const queue = createPublicationQueue();
    let commit: () => void = () => undefined;
    const write = new Promise<void>((resolve) => {
      commit = resolve;
    });
    let settled = false;
    const step = queue
      .committed(queue.serial, async (writes) => {
        writes.push(write);
      })
      .then(() => {
        settled = true;
      });
    await tick();
    assert.equal(settled, false, "the write has not committed");
    commit();
    await step;
    assert.equal(settled, true);
    await assert.rejects(
      queue.committed(queue.serial, async (writes) => {
        writes.push(Promise.reject(new Error("commit failed")));
      }),
      /commit failed/,
    );
  });

  it("is drained once the steps queued so far have run", async () => {
    const queue = createPublicationQueue();
    let done = false;
    void queue.serial(async () => {
      await tick();
      done = true;
    });
    await queue.drained();
    assert.equal(done, true);
  });
});
