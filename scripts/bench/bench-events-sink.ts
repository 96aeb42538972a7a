/**
 * The sink side of `npm run bench:events`, in its own process so that it does not share the event
 * loop with the gateway side: the conformance sink receiver over HTTPS (development CA). It reports
 * its port, then on request the receipt time of every event by path and sequenceNumber.
 */
import { startSinkReceiver } from "../../conformance/sink/index.ts";
import { ensureDevCa } from "../dev-ca/dev-ca.ts";
import { fromRoot } from "../lib/paths.ts";

const ca = ensureDevCa(fromRoot("data", "dev-ca"));
const sink = await startSinkReceiver({ tls: { cert: ca.serverCertPem, key: ca.serverKeyPem } });
process.send?.({ port: sink.port });
process.on("message", (message: { cmd: string }) => {
  if (message.cmd === "report") {
    const receipts = sink
      .requests()
      .map((r) => [r.path, Number(r.event?.data?.sequenceNumber), r.receivedAt, r.problems.length]);
    process.send?.({ receipts });
  } else if (message.cmd === "exit") {
    void sink.close().then(() => process.exit(0));
  }
});
