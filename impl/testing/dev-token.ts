/**
 * A client-credentials token from a running gateway's embedded development issuer (AUTH_MODE=dev),
 * for tests and benchmarks. The `phone_number` parameter picks one of DEV_PHONE_NUMBERS.
 */
export async function fetchDevToken(
  baseUrl: string,
  phone: string,
  scopes: readonly string[],
  client = { id: "dev-client", secret: "dev-secret" },
): Promise<string> {
  const response = await fetch(`${baseUrl}/dev-issuer/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString("base64")}`,
    },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      scope: scopes.join(" "),
      phone_number: phone,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token)
    throw new Error(`no token from ${baseUrl}/dev-issuer/token: ${JSON.stringify(body)}`);
  return body.access_token;
}
