import { createSocket } from "node:dgram";
import { createServer } from "node:net";

/**
 * A loopback port free for both TCP and UDP right now, chosen by the kernel (bind to port 0), so
 * lab runs side by side never clash. Another process may still take it before it is used; the lab
 * retries its start-up once on a bind failure.
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, host, () => {
        const address = server.address();
        const p = typeof address === "object" && address ? address.port : 0;
        server.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket("udp4");
      socket.once("error", () => resolve(false));
      socket.bind(port, host, () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error("no free loopback port for both TCP and UDP");
}
