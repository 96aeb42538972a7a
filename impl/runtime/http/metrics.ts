import type { NextFunction, Request, RequestHandler, Response } from "express";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import type { OperationManifest } from "../manifest-types.ts";

/**
 * Prometheus metrics of the HTTP face: requests and latency by CAMARA release, operationId and status. The endpoint
 * serves them together with the `others` registries (event delivery: the outbox by status).
 */
export function createHttpMetrics(others: readonly Registry[] = []) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ["release", "operation_id", "status"] as const;
  const requests = new Counter({
    name: "camara_http_requests_total",
    help: "API requests by release, operationId and HTTP status",
    labelNames,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "camara_http_request_duration_seconds",
    help: "API request latency in seconds by release, operationId and HTTP status",
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const middleware: RequestHandler = (_req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const operation = res.locals.operation as OperationManifest | undefined;
      const labels = {
        release: operation?.release ?? "none",
        operation_id: operation?.operationId ?? "none",
        status: String(res.statusCode),
      };
      requests.inc(labels);
      latency.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
  const served = others.length === 0 ? registry : Registry.merge([registry, ...others]);
  const endpoint: RequestHandler = async (_req, res) => {
    res.type(served.contentType).send(await served.metrics());
  };
  return { middleware, endpoint, registry };
}
