// Trims an esbuild source map to our own code (scripts/build-service.ts).

export interface SourceMapV3 {
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
}

const base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Keeps the source map's mappings of our own code (services/, proto/gen) and drops
 * those of node_modules. `node --enable-source-maps` decodes every mapping at
 * start-up: the full map cost ~150 ms of CPU and ~40–75 MB of RSS per service;
 * frames in dependencies then show the bundle's (unminified) file:line instead.
 * Where dependency code starts, an unmapped segment (column only) ends the
 * previous mapping, so no dependency frame borrows a neighbour's position.
 */
export function ownCodeOnly<M extends SourceMapV3>(input: M): M {
  const map = { ...input };
  const keep = map.sources.map((source) => !source.includes("node_modules/"));
  const state = [0, 0, 0, 0, 0]; // absolute: column, source, line, column, name (decoding)
  const out = [0, 0, 0, 0]; // last written: source, line, column, name (encoding)
  const lines = map.mappings.split(";").map((line) => {
    state[0] = 0;
    let lastColumn = 0;
    const kept: string[] = [];
    let mapped = true;
    for (const segment of line ? line.split(",") : []) {
      const fields = decodeVlq(segment);
      fields.forEach((delta, i) => (state[i] = state[i]! + delta));
      if (fields.length < 4 || !keep[state[1]!]) {
        if (mapped) kept.push(encodeVlq(state[0]! - lastColumn));
        if (mapped) lastColumn = state[0]!;
        mapped = false;
        continue;
      }
      mapped = true;
      const absolute = [state[0]!, state[1]!, state[2]!, state[3]!, ...(fields.length === 5 ? [state[4]!] : [])];
      const relative = [absolute[0]! - lastColumn, ...absolute.slice(1).map((v, i) => v - out[i]!)];
      lastColumn = absolute[0]!;
      absolute.slice(1).forEach((v, i) => (out[i] = v));
      kept.push(relative.map(encodeVlq).join(""));
    }
    return kept.join(",");
  });
  map.mappings = lines.join(";");
  if (map.sourcesContent) map.sourcesContent = map.sourcesContent.map((content, i) => (keep[i] ? content : null));
  return map;
}

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = base64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeVlq(n: number): string {
  let value = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = "";
  do {
    let digit = value & 31;
    value >>>= 5;
    if (value > 0) digit |= 32;
    out += base64[digit];
  } while (value > 0);
  return out;
}
