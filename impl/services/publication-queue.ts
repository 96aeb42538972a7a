/** A step of the queue: work that runs when the steps queued before it have finished. */
export type QueueStep = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * The dispatcher's one-at-a-time queue. Publications and lifecycle changes run one at a time, so a
 * subscription's eventCount and status are read and written without interleaving, and outbox order
 * is publication order.
 *
 * The store serves committed state, and a subscription's creation does not wait in the queue for
 * its commit (the creations of one event-loop turn commit together): the steps that read
 * subscriptions (`afterCreations`) wait for the creations queued before them to be stored.
 */
export function createPublicationQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  let subscriptionsStored: Promise<void> = Promise.resolve();
  const noop = () => undefined;

  const serial: QueueStep = (work) => {
    const run = tail.then(work);
    tail = run.catch(noop);
    return run;
  };
  /** A step that reads subscriptions: it runs once the subscriptions created before it are stored. */
  const afterCreations: QueueStep = (work) =>
    serial(async () => {
      await subscriptionsStored;
      return work();
    });

  return {
    serial,
    afterCreations,
    /** Settles once the steps queued so far have run (their failures are theirs to report). */
    drained: (): Promise<unknown> => tail,
    /** Called by a creation step with its store write: later `afterCreations` steps wait for it. */
    creationStored(stored: Promise<unknown>): void {
      subscriptionsStored = stored.then(noop, noop);
    },
    /**
     * Runs a queue step that leaves some of its writes to commit after it (outbox rows, a new
     * subscription), and settles once the step ran and all of them committed, so that the request
     * behind it answers only then, with the first failure if any.
     */
    async committed(queue: QueueStep, step: (writes: Promise<unknown>[]) => Promise<void>): Promise<void> {
      const writes: Promise<unknown>[] = [];
      try {
        await queue(() => step(writes));
      } finally {
        await Promise.all(writes);
      }
    },
  };
}
