// Run as its own process by balanced-session-manager.test.ts, so that an uncaught exception
// is a crash (exit code 1), as it would be in the user service: one call through the
// BalancedSessionManager to a plain HTTP/2 server; the server sends GOAWAY (NO_ERROR) on
// the idle session, and a second call starts the moment the client sees it. Prints each
// outcome; exits 0 if the process survived.
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { BalancedSessionManager } from "../src/balanced-session-manager.ts";

const server = http2.createServer();
const serverSessions: http2.ServerHttp2Session[] = [];
server.on("session", (session) => serverSessions.push(session));
server.on("stream", (stream) => {
  stream.respond({ ":status": 200 });
  stream.end("ok");
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const manager = new BalancedSessionManager(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { reresolveMs: 60_000 });

async function call(): Promise<http2.ClientHttp2Stream> {
  const stream = await manager.request("POST", "/orders.v1.OrderService/GetItem", {}, {});
  stream.end();
  for await (const chunk of stream) void chunk;
  return stream;
}

const first = await call();
console.log("first call: ok");
const second = new Promise<string>((resolve) => {
  first.session!.once("goaway", () => {
    call().then(
      () => resolve("ok"),
      (error: Error) => resolve(`failed: ${error.message}`),
    );
  });
});
serverSessions[0]!.goaway(http2.constants.NGHTTP2_NO_ERROR);
console.log(`second call: ${await second}`);
// Long enough for the first session's socket to close and any late error to surface.
await new Promise((resolve) => setTimeout(resolve, 300));
manager.abort();
server.close();
console.log("survived");
