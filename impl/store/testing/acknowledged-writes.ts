/**
 * Child process of the crash test in sqlite-store.test.ts: writes registrations to the store file
 * given as argument, several per turn of the event loop, and prints the id of each write once its
 * promise resolved (the moment the gateway would answer 200). Right after the 500th acknowledgement
 * it kills itself with SIGKILL, with other writes queued or being committed: a crash just after an
 * answer. (stdout is a pipe, written synchronously on Linux, so every printed id reaches the parent.)
 */
import { createSqliteStore } from "../sqlite-store.ts";

const file = process.argv[2];
if (!file) throw new Error("usage: acknowledged-writes.ts <store file>");
const store = createSqliteStore({ file });
let acknowledged = 0;
for (let turn = 0; turn < 4000; turn++) {
  await Promise.all(
    Array.from({ length: 5 }, async (_, i) => {
      const registrationId = `reg-${turn}-${i}`;
      await store.registrations.put({
        registrationId,
        owner: "+34600000001",
        deviceId: registrationId,
        expiresAt: "2030-01-01T00:00:00.000Z",
        createdAt: "2029-01-01T00:00:00.000Z",
        updatedAt: "2029-01-01T00:00:00.000Z",
      });
      process.stdout.write(`${registrationId}\n`);
      if (++acknowledged === 500) process.kill(process.pid, "SIGKILL");
    }),
  );
}
await store.close();
