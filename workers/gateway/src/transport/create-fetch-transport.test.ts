import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { GetUserRequestSchema, GetUserResponseSchema, UserService } from "@grpc-edge/proto/user/v1";
import { describe, expect, it } from "vitest";
import { createFetchTransport } from "./create-fetch-transport.ts";

// `signal` is the one fetch() was given: Node's Request follows it only through a WeakRef
// that garbage collection may clear, so `req.signal` alone can miss the abort.
function clientWith(fetch: (req: Request, signal?: AbortSignal) => Promise<Response>, defaultTimeoutMs?: number) {
  const requests: Request[] = [];
  const transport = createFetchTransport({
    baseUrl: "http://users.test:50051",
    defaultTimeoutMs,
    fetch: async (input, init) => {
      const req = new Request(input, init);
      requests.push(req.clone());
      return fetch(req, init?.signal ?? undefined);
    },
  });
  return { users: createClient(UserService, transport), requests };
}

const okResponse = () =>
  new Response(toBinary(GetUserResponseSchema, create(GetUserResponseSchema, { user: { id: 7, firstName: "Ann" } })), {
    headers: { "Content-Type": "application/proto" },
  });

async function errorOf(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("expected the call to fail");
}

describe("createFetchTransport", () => {
  it("speaks Connect unary with binary protobuf, a sized body and no redirects", async () => {
    const { users, requests } = clientWith(async () => okResponse());
    const res = await users.getUserById({ id: 7 });
    expect(res.user?.firstName).toBe("Ann");
    const [req] = requests;
    expect(req?.method).toBe("POST");
    expect(req?.url).toBe("http://users.test:50051/user.v1.UserService/GetUserById");
    expect(req?.headers.get("content-type")).toBe("application/proto");
    expect(req?.headers.get("connect-protocol-version")).toBe("1");
    expect(req?.redirect).toBe("manual");
    expect(new Uint8Array(await req!.arrayBuffer())).toEqual(toBinary(GetUserRequestSchema, create(GetUserRequestSchema, { id: 7 })));
  });

  it("asks for identity encoding, and tolerates a reply fetch() already decoded", async () => {
    // fetch() undoes gzip itself but keeps the header; connect must not see it.
    const { users, requests } = clientWith(async () => {
      const res = okResponse();
      return new Response(res.body, { headers: { "Content-Type": "application/proto", "Content-Encoding": "gzip" } });
    });
    const res = await users.getUserById({ id: 7 });
    expect(res.user?.firstName).toBe("Ann");
    expect(requests[0]?.headers.get("accept-encoding")).toBe("identity");
  });

  it("sends the deadline as connect-timeout-ms", async () => {
    const { users, requests } = clientWith(async () => okResponse(), 900);
    await users.getUserById({ id: 7 });
    await users.getUserById({ id: 7 }, { timeoutMs: 200 });
    expect(requests.map((r) => r.headers.get("connect-timeout-ms"))).toEqual(["900", "200"]);
  });

  it("turns a fetch that throws (connection refused) into UNAVAILABLE", async () => {
    const { users } = clientWith(async () => {
      throw new TypeError("fetch failed");
    });
    const err = await errorOf(users.getUserById({ id: 7 }));
    expect(err.code).toBe(Code.Unavailable);
  });

  it("aborts the subrequest at the deadline: DEADLINE_EXCEEDED", async () => {
    let aborted = false;
    const { users } = clientWith(
      (_req, signal) =>
        new Promise((_, reject) => {
          signal?.addEventListener("abort", () => {
            aborted = true;
            reject(signal.reason);
          });
        }),
    );
    const err = await errorOf(users.getUserById({ id: 7 }, { timeoutMs: 30 }));
    expect(err.code).toBe(Code.DeadlineExceeded);
    expect(aborted).toBe(true);
  });

  it("reads Connect error bodies", async () => {
    const { users } = clientWith(
      async () =>
        new Response(JSON.stringify({ code: "not_found", message: "user 7 not found" }), {
          status: 404,
          headers: { "Content-Type": "application/json" },
        }),
    );
    const err = await errorOf(users.getUserById({ id: 7 }));
    expect(err.code).toBe(Code.NotFound);
    expect(err.rawMessage).toBe("user 7 not found");
  });
});
