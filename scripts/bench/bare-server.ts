/**
 * The baseline of `npm run bench:api`: a bare express app answering the same request shapes with
 * a fixed JSON body, no auth, no validation, no store. Prints its port on stdout.
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import express from "express";

const app = express();
app.use(express.json());
app.post(/.*/, (_req, res) => {
  res.status(201).json({ registrationId: randomUUID(), id: randomUUID() });
});
app.get(/.*/, (_req, res) => {
  res.json({ mediaSessionId: "x", status: "Initial" });
});
app.delete(/.*/, (_req, res) => {
  res.status(204).end();
});
const server = app.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(JSON.stringify({ msg: "gateway listening", port: (server.address() as AddressInfo).port }));
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
