import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** Where the OS takes ports for listen(0) and outgoing connections (Linux's default if unknown). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 11_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const lowest = 10_000;

function listenOn(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(undefined));
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : undefined));
    });
  });
}

/**
 * A TCP port free on loopback now, for a process the caller starts next. Drawn below the
 * ephemeral range: a port the OS handed out for listen(0) could be handed out again — to
 * another test's server or outgoing connection — before the caller's process binds it
 * (EADDRINUSE in CI); outside that range only another freePort draw can collide, one in
 * thousands.
 */
export async function freePort(): Promise<number> {
  const high = ephemeralLow();
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await listenOn(lowest + Math.floor(Math.random() * (high - lowest)));
    if (port !== undefined) return port;
  }
  const any = await listenOn(0);
  if (any === undefined) throw new Error("no free port on 127.0.0.1");
  return any;
}
