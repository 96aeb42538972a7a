import { existsSync } from "node:fs";
import type { Config } from "./config.ts";

const DEV_CA_FIX =
  "outside production it defaults to the development CA in DEV_CA_DIR, which `npm run dev-ca` makes (npm start does)";

/**
 * The files the configuration names that must exist before anything starts: the relay's
 * certificate and key when the relay is on, and a configured EVENT_SINK_CA_FILE. The gateway reads
 * them; it never makes them (the development CA belongs to the tools).
 */
export function checkConfigFiles(config: Config, exists: (path: string) => boolean = existsSync): string[] {
  const problems: string[] = [];
  if (config.relay.enabled) {
    for (const [name, file] of [
      ["RELAY_TLS_CERT_FILE", config.relay.tlsCertFile],
      ["RELAY_TLS_KEY_FILE", config.relay.tlsKeyFile],
    ] as const) {
      if (file && !exists(file))
        problems.push(
          `${name}: ${file} does not exist (${DEV_CA_FIX}); set ${name}, or RELAY_ENABLED=false to run without the notification relay.`,
        );
    }
  }
  const { sinkCaFile, sinkCaFileDefaulted } = config.events;
  if (sinkCaFile && !sinkCaFileDefaulted && !exists(sinkCaFile))
    problems.push(`EVENT_SINK_CA_FILE: ${sinkCaFile} does not exist.`);
  return problems;
}
