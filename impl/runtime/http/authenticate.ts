import type { NextFunction, Request, Response } from "express";
import { AuthError, type Principal, type TokenVerifier } from "../auth/principal.ts";
import { ApiError } from "../errors/api-error.ts";
import type { OperationManifest } from "../manifest-types.ts";

const UNAUTHENTICATED_MESSAGE =
  "Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.";

/**
 * Bearer authentication and scope authorisation for the resolved operation. Any token problem is
 * 401 UNAUTHENTICATED (the precise reason goes to the logs, not to the client); a token without
 * any of the operation's scopes is 403 PERMISSION_DENIED. For operations listing several scopes in
 * one requirement (createNotificationChannelSubscription: one per event type), holding one of them
 * passes here and the service checks the scope of the requested type.
 */
export function authenticate(verifier: TokenVerifier) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const operation = res.locals.operation as OperationManifest | undefined;
    if (!operation) return next();
    try {
      const header = req.headers.authorization;
      // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
      const match = header ? /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header) : null;
      if (!match?.[1])
        throw new AuthError(header ? "malformed" : "missing", "No bearer token in Authorization");
      const principal: Principal = await verifier.verify(match[1]);
      res.locals.principal = principal;
      if (operation.scopes.length > 0 && !operation.scopes.some((s) => principal.scopes.has(s))) {
        throw new ApiError(
          "PERMISSION_DENIED",
          "Client does not have sufficient permissions to perform this action.",
        );
      }
      next();
    } catch (error) {
      if (error instanceof AuthError) {
        res.locals.authFailure = error.reason;
        next(new ApiError("UNAUTHENTICATED", UNAUTHENTICATED_MESSAGE, { cause: error }));
      } else next(error);
    }
  };
}
