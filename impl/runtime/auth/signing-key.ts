import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from "jose";

/** Signature algorithms the dev issuer can sign with; all are in the JWT verifier's default allow-list. */
export type SigningAlgorithm = "ES256" | "RS256" | "PS256";

/** A private signing key with the public half as it is published in the JWKS. */
export interface SigningKey {
  readonly alg: SigningAlgorithm;
  /** RFC 7638 thumbprint of the public key, so a rotated key never reuses a `kid`. */
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/**
 * Generates a signing key in memory or, when `keyFile` is given, loads the private JWK stored there,
 * creating the file (mode 0600) on first use so that tokens survive a restart.
 *
 * @throws Error when `keyFile` exists but does not hold a private `alg` key.
 */
export async function loadSigningKey(alg: SigningAlgorithm, keyFile?: string): Promise<SigningKey> {
  if (keyFile === undefined) return fromPrivateJwk(alg, await generatePrivateJwk(alg));
  const stored = await readStored(keyFile);
  if (stored !== undefined) {
    if (stored.alg !== alg || typeof stored.d !== "string") {
      throw new Error(
        `Key file ${keyFile} does not hold a private ${alg} JWK (it holds alg ${String(stored.alg)}); ` +
          "delete it to generate a new key, or set keyAlg to match it.",
      );
    }
    return fromPrivateJwk(alg, stored);
  }
  const jwk = await generatePrivateJwk(alg);
  await mkdir(dirname(keyFile), { recursive: true });
  try {
    // `wx`: if another process created the file meanwhile, use its key rather than overwrite it.
    await writeFile(keyFile, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return loadSigningKey(alg, keyFile);
  }
  return fromPrivateJwk(alg, jwk);
}

async function generatePrivateJwk(alg: SigningAlgorithm): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), alg };
}

async function readStored(keyFile: string): Promise<JWK | undefined> {
  let text: string;
  try {
    text = await readFile(keyFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return JSON.parse(text) as JWK;
}

async function fromPrivateJwk(alg: SigningAlgorithm, jwk: JWK): Promise<SigningKey> {
  const privateKey = (await importJWK(jwk, alg)) as CryptoKey;
  // Only the public members: RFC 7517 §4 lets a JWKS carry private keys, so nothing else may leak.
  const pub: JWK =
    jwk.kty === "EC" ? { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: "RSA", n: jwk.n, e: jwk.e };
  const kid = await calculateJwkThumbprint(pub);
  return { alg, kid, privateKey, publicJwk: { ...pub, kid, alg, use: "sig" } };
}
