import { describe, expect, it } from "vitest";
import { parsePrometheusText } from "./parse-prometheus-text.ts";

describe("parsePrometheusText", () => {
  it("reads families, labels (escaped) and special values", () => {
    const scrape = parsePrometheusText(
      [
        "# HELP up Whether it is up",
        "# TYPE up gauge",
        'up{job="a\\"b",le="+Inf"} 1',
        "# TYPE lat_seconds histogram",
        'lat_seconds_bucket{le="+Inf"} 3',
        "lat_seconds_sum 0.5",
        "lat_seconds_count 3",
      ].join("\n"),
    );
    expect(scrape.value("up", { job: 'a"b' })).toBe(1);
    expect(scrape.value("lat_seconds_count")).toBe(3);
    expect(scrape.types.get("lat_seconds")).toBe("histogram");
  });

  it.each([
    ["a sample without # TYPE", "orphan 1"],
    ["an unquoted label", "# TYPE x gauge\nx{a=b} 1"],
    ["a value that is no number", "# TYPE x gauge\nx one"],
  ])("rejects %s", (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
