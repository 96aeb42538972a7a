import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TargetConfig } from "../config/target-config.ts";
import {
  createCloudEventValidator,
  type ReceivedNotification,
  type SinkReceiver,
  startSinkReceiver,
} from "../sink/index.ts";

/** The loopback receiver the notification steps read, with the URL subscriptions must name. */
export interface NotificationSink {
  /** The sink URL to put in a SubscriptionRequest (`publicUrl` with the bound port). */
  readonly url: string;
  /** PEM file of the certificate the sink serves, for the gateway to trust. */
  readonly certFile: string;
  readonly receiver: SinkReceiver;
  close(): Promise<void>;
}

export type { ReceivedNotification };

/**
 * Starts the HTTPS sink receiver (conformance/sink) on the configured loopback address, with the
 * configured certificate or a self-signed one for 127.0.0.1 made for this run with openssl.
 */
export async function startNotificationSink(
  sink: NonNullable<TargetConfig["sink"]>,
  /** The release's effective webrtc-events spec, whose CloudEvent schemas the notifications must meet. */
  eventsSpecFile?: string,
): Promise<NotificationSink> {
  const files = sink.tls ?? selfSignedCertificate(sink.host);
  const receiver = await startSinkReceiver({
    host: sink.host,
    port: sink.port,
    ...(eventsSpecFile ? { validator: createCloudEventValidator(eventsSpecFile) } : {}),
    tls: { cert: readFileSync(files.certFile, "utf8"), key: readFileSync(files.keyFile, "utf8") },
  });
  return {
    url: sink.publicUrl.replaceAll("{port}", String(receiver.port)),
    certFile: files.certFile,
    receiver,
    close: () => receiver.close(),
  };
}

/** A fresh key pair and a one-day certificate for `host` (IP or DNS name) in a temporary folder. */
export function selfSignedCertificate(host: string): { certFile: string; keyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "camara-sink-"));
  const certFile = join(dir, "sink-cert.pem");
  const keyFile = join(dir, "sink-key.pem");
  const san = /^[0-9.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`;
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=camara-conformance-sink",
      "-addext",
      `subjectAltName=${san}`,
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ],
    { stdio: "ignore" },
  );
  return { certFile, keyFile };
}
