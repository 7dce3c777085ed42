import { SourceMap, type SourceMapPayload } from "node:module";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { ownCodeOnly, type SourceMapV3 } from "./source-map-own-code.ts";

/** Every generated position (line, column) a map has a segment for. */
function positions(map: SourceMapV3): { line: number; column: number }[] {
  const out: { line: number; column: number }[] = [];
  map.mappings.split(";").forEach((line, index) => {
    let column = 0;
    for (const segment of line ? line.split(",") : []) out.push({ line: index, column: (column += decodeFirst(segment)) });
  });
  return out;
}

function decodeFirst(segment: string): number {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = chars.indexOf(char);
    value += (digit & 31) << shift;
    if (!(digit & 32)) break;
    shift += 5;
  }
  return value & 1 ? -(value >>> 1) : value >>> 1;
}

describe("ownCodeOnly", () => {
  it("keeps every mapping of our code exactly and leaves dependency code unmapped", async () => {
  // A bundle of our code calling into a dependency, as scripts/build-service.ts makes them.
  const result = await build({
    stdin: {
      contents: 'import { create } from "@bufbuild/protobuf";\nimport { HealthCheckRequestSchema } from "./proto/gen/grpc/health/v1/health_pb.js";\nexport function own() {\n  return create(HealthCheckRequestSchema);\n}\n',
      resolveDir: process.cwd(),
      sourcefile: "services/own.ts",
    },
    bundle: true,
    format: "esm",
    platform: "node",
    sourcemap: "external",
    outfile: "out.js",
    write: false,
    logLevel: "silent",
  });
    const original = JSON.parse(result.outputFiles.find((f) => f.path.endsWith(".map"))!.text) as SourceMapV3 & SourceMapPayload;
    const trimmed = ownCodeOnly(original);
    expect(trimmed.mappings.length).toBeLessThan(original.mappings.length);
    const before = new SourceMap(original);
    const after = new SourceMap(trimmed);
    let own = 0;
    let dependency = 0;
    for (const { line, column } of positions(original)) {
      const a = before.findEntry(line, column);
      const b = after.findEntry(line, column);
      if ("originalSource" in a && !String(a.originalSource).includes("node_modules/")) {
        own++;
        expect(b).toEqual(a);
      } else {
        dependency++;
        // Unmapped: node prints the bundle's own file:line for such a frame.
        expect((b as { originalSource?: string }).originalSource, `${line}:${column}`).toBeUndefined();
      }
    }
    expect(own).toBeGreaterThan(0);
    expect(dependency).toBeGreaterThan(100);
    expect(trimmed.sourcesContent?.filter((c, i) => c !== null && original.sources[i]!.includes("node_modules/"))).toEqual([]);
  });
});
