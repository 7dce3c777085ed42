import { create, type DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError, createContextValues, type UnaryRequest, type UnaryResponse } from "@connectrpc/connect";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import { UserService } from "@grpc-edge/proto/user/v1";
import { describe, expect, it } from "vitest";
import { readOnlyMethods } from "../routing/read-only-methods.ts";
import { RetryBudget } from "./retry-budget.ts";
import { abortableSleep, retryInterceptor, type RetryOptions } from "./retry-interceptor.ts";
import { publishedServices } from "../routing/published-services.ts";

const getUser = UserService.method.getUserById;
const createUser = UserService.method.createUser;
const isIdempotent = readOnlyMethods(publishedServices);

type Outcome = "ok" | Code;

/** Runs one call through the interceptor against a scripted upstream, on a fake clock. */
async function run(
  outcomes: Outcome[],
  { method = getUser as DescMethod, header = {} as Record<string, string>, timeoutMs = 3000 as number | undefined, ...options }: Partial<RetryOptions> & {
    method?: DescMethod;
    header?: Record<string, string>;
    timeoutMs?: number;
  } = {},
) {
  let clock = 0;
  const sent: { at: number; timeout: string | null }[] = [];
  const slept: number[] = [];
  const interceptor = retryInterceptor({
    isIdempotent,
    budget: new RetryBudget(),
    random: () => 0.5,
    now: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    ...options,
  });
  const headers = new Headers(header);
  if (timeoutMs !== undefined) headers.set("connect-timeout-ms", String(timeoutMs));
  const req = {
    stream: false,
    service: UserService,
    method,
    requestMethod: "POST",
    url: "http://u/x",
    signal: new AbortController().signal,
    header: headers,
    contextValues: createContextValues(),
    message: create(method.input),
  } as unknown as UnaryRequest;
  const upstream = async (r: UnaryRequest): Promise<UnaryResponse> => {
    sent.push({ at: clock, timeout: r.header.get("connect-timeout-ms") });
    clock += 10; // each attempt takes 10 ms to fail or answer
    const outcome = outcomes[sent.length - 1] ?? "ok";
    if (outcome !== "ok") throw new ConnectError("scripted", outcome);
    return { stream: false, message: create(method.output), header: new Headers(), trailer: new Headers() } as unknown as UnaryResponse;
  };
  const result = await interceptor(upstream as never)(req).then(
    () => "ok" as Outcome,
    (err: unknown) => ConnectError.from(err).code as Outcome,
  );
  return { result, attempts: sent.length, sent, slept };
}

const U = Code.Unavailable;

describe("retryInterceptor: what is retried", () => {
  it.each<[string, Outcome[], Partial<Parameters<typeof run>[1]>, number, Outcome]>([
    ["a read that fails UNAVAILABLE once", [U, "ok"], {}, 2, "ok"],
    ["a read that fails UNAVAILABLE twice", [U, U, "ok"], {}, 3, "ok"],
    ["a read that keeps failing: at most 3 attempts", [U, U, U, U, U], {}, 3, U],
    ["maxAttempts is configurable", [U, U, U, U, U], { maxAttempts: 5 }, 5, U],
    ["a read that succeeds at once", ["ok"], {}, 1, "ok"],
    ["DEADLINE_EXCEEDED is not retried (the budget is spent)", [Code.DeadlineExceeded, "ok"], {}, 1, Code.DeadlineExceeded],
    ["INTERNAL is not retried", [Code.Internal, "ok"], {}, 1, Code.Internal],
    ["NOT_FOUND is not retried", [Code.NotFound, "ok"], {}, 1, Code.NotFound],
    ["RESOURCE_EXHAUSTED is not retried", [Code.ResourceExhausted, "ok"], {}, 1, Code.ResourceExhausted],
    ["ABORTED is not retried", [Code.Aborted, "ok"], {}, 1, Code.Aborted],
    ["a write without an Idempotency-Key is never retried", [U, "ok"], { method: createUser }, 1, U],
    ["a write with an Idempotency-Key is retried", [U, "ok"], { method: createUser, header: { "idempotency-key": "k1" } }, 2, "ok"],
    ["a cancel without a key is not retried", [U, "ok"], { method: OrderService.method.cancelOrder }, 1, U],
    ["an empty retry budget means one attempt", [U, "ok"], { budget: new RetryBudget({ maxTokens: 0 }) }, 1, U],
    ["a budget with one token left: one retry", [U, U, "ok"], { budget: new RetryBudget({ maxTokens: 1 }) }, 2, U],
    ["no deadline: retried all the same", [U, "ok"], { timeoutMs: undefined }, 2, "ok"],
  ])("%s", async (_, outcomes, options, attempts, result) => {
    const run1 = await run(outcomes, options);
    expect(run1.attempts).toBe(attempts);
    expect(run1.result).toBe(result);
  });

  it("GET bindings are reads; POST, PATCH and DELETE ones are not", () => {
    expect(isIdempotent(getUser)).toBe(true);
    expect(isIdempotent(UserService.method.getAllUsers)).toBe(true);
    expect(isIdempotent(OrderService.method.getOrder)).toBe(true);
    expect(isIdempotent(OrderService.method.listItems)).toBe(true);
    expect(isIdempotent(createUser)).toBe(false);
    expect(isIdempotent(UserService.method.updateUser)).toBe(false);
    expect(isIdempotent(UserService.method.deleteUser)).toBe(false);
    expect(isIdempotent(OrderService.method.createOrder)).toBe(false);
  });
});

describe("retryInterceptor: backoff and deadline", () => {
  it("backs off exponentially with full jitter: uniform in [0, base × 2^(n−1))", async () => {
    expect((await run([U, U, "ok"], { random: () => 0.999, baseDelayMs: 100 })).slept).toEqual([99, 199]);
    expect((await run([U, U, "ok"], { random: () => 0, baseDelayMs: 100 })).slept).toEqual([0, 0]);
    expect((await run([U, U, U, U, "ok"], { random: () => 0.999, baseDelayMs: 100, maxDelayMs: 150, maxAttempts: 5 })).slept).toEqual([99, 149, 149, 149]);
  });

  it("sends each attempt the time really left of the deadline", async () => {
    const { sent } = await run([U, U, "ok"], { random: () => 0.999, baseDelayMs: 100, timeoutMs: 1000 });
    // 10 ms per attempt, then 99 and 199 ms of backoff.
    expect(sent).toEqual([
      { at: 0, timeout: "1000" },
      { at: 109, timeout: "891" },
      { at: 318, timeout: "682" },
    ]);
  });

  it("never sleeps past the deadline: it answers with the last error instead", async () => {
    const { attempts, result, slept } = await run([U, U, "ok"], { random: () => 0.999, baseDelayMs: 100, timeoutMs: 100 });
    expect(attempts).toBe(1);
    expect(result).toBe(U);
    expect(slept).toEqual([]);
  });

  it("stops retrying once the call is cancelled", async () => {
    const controller = new AbortController();
    const sleep = (ms: number, signal: AbortSignal) => {
      const slept = abortableSleep(ms, signal);
      controller.abort(new ConnectError("client gone", Code.Canceled));
      return slept;
    };
    const interceptor = retryInterceptor({ isIdempotent, budget: new RetryBudget(), sleep, random: () => 0.5 });
    let attempts = 0;
    const req = { stream: false, method: getUser, header: new Headers(), signal: controller.signal } as unknown as UnaryRequest;
    const call = interceptor(async () => {
      attempts++;
      throw new ConnectError("down", U);
    })(req);
    await expect(call).rejects.toMatchObject({ code: Code.Canceled });
    expect(attempts).toBe(1);
  });

  it("every call pays into the shared budget, retried or not", async () => {
    const budget = new RetryBudget({ ratio: 0.5, maxTokens: 2 });
    while (budget.tryWithdraw());
    await run(["ok"], { budget });
    await run([Code.NotFound], { budget, method: createUser });
    expect(budget.tokens).toBe(1);
  });
});
