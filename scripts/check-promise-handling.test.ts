import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkSource } from "./check-promise-handling.ts";

const lines = (source: string) => checkSource("case.ts", source).map((f) => f.line);

describe("check-promise-handling", () => {
  it.each([
    ["eager calls walked by an awaiting loop", "for (const call of [a(), b()]) {\n  await call;\n}", [1]],
    ["the same with for await", "for await (const r of [a(), b()]) use(r);", [1]],
    ["a call started, something else awaited, then it", "const p = call();\nawait other();\nawait p;", [1]],
    ["expect(p).rejects after another await", "const p = call();\nawait other();\nawait expect(p).rejects.toThrow();", [1]],
    ["a mapped list of async calls walked later", "const ps = xs.map(async (x) => f(x));\nawait ready();\nfor (const p of ps) await p;", [1]],
    ["inside a test callback", "it('x', async () => {\n  const p = call();\n  await sleep(1);\n  expect(await p).toBe(1);\n});", [2]],
  ])("flags %s", (_name, source, expected) => {
    expect(lines(source)).toEqual(expected);
  });

  it.each([
    ["thunks called one at a time", "for (const call of [() => a(), () => b()]) {\n  await call();\n}"],
    ["a call awaited before anything else", "const p = call();\nconst q = await p;\nawait other(q);"],
    ["a call handed to expect().rejects at once", "const p = call();\nawait expect(p).rejects.toThrow();\nawait other();"],
    ["a call with .catch attached", "const p = call().catch((e) => e);\nawait other();\nawait p;"],
    ["Promise.allSettled, which never rejects", "const p = Promise.allSettled([a(), b()]);\nawait other();\nawait p;"],
    ["a call left in flight on purpose", "const p = leftInFlight(call());\nawait other();\nawait p;"],
    ["a sync map walked by an awaiting loop", "const vs = names.map(variant);\nawait ready();\nfor (const v of vs) await start(v);"],
    ["a sync array of calls in a loop without awaits", "for (const v of [f(1), f(2)]) use(v);"],
    ["an await only inside a nested function", "const p = call();\nconst later = async () => { await x; };\nawait p;"],
  ])("accepts %s", (_name, source) => {
    expect(lines(source)).toEqual([]);
  });

  it("catches one of the fixed sites when the fix is reverted", () => {
    const file = fileURLToPath(new URL("../test/e2e/deadlines.test.ts", import.meta.url));
    const fixed = readFileSync(file, "utf8");
    expect(checkSource(file, fixed)).toEqual([]);
    const reverted = fixed.replace("leftInFlight(timedGet(\"/api/users/1\"))", "timedGet(\"/api/users/1\")");
    expect(reverted).not.toBe(fixed);
    expect(checkSource(file, reverted).map((f) => f.message)).toEqual([expect.stringContaining("'slow' is started here")]);
  });
});
