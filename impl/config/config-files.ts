import { existsSync } from "node:fs";
import type { Config } from "./config.ts";

const DEV_CA_FIX =
  "outside production it defaults to the development CA in DEV_CA_DIR, which `npm run dev-ca` makes (npm start does)";

/**
 * The files the configuration names that must exist before anything starts: the relay's
 * certificate and key when the relay is on, a configured EVENT_SINK_CA_FILE, and the SIP engine's
 * credentials and TLS files. The gateway reads
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
  for (const [name, file] of sipFiles(config))
    if (file && !exists(file)) problems.push(`${name}: ${file} does not exist.`);
  return problems;
}

/** The files the SIP engine reads at its start (ENGINE=sip), by the variable naming each. */
function sipFiles(config: Config): [string, string | undefined][] {
  const sip = config.sip;
  if (!sip) return [];
  return [
    ["SIP_CREDENTIALS_FILE", sip.credentialsFile],
    ["SIP_TLS_CA_FILE", sip.tlsCaFile],
    ["SIP_TLS_CERT_FILE", sip.tlsListener?.certFile],
    ["SIP_TLS_KEY_FILE", sip.tlsListener?.keyFile],
    ["SIP_TLS_CLIENT_CA_FILE", sip.tlsListener?.clientCaFile],
  ];
}
