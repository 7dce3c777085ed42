import { create, mergeFromJson, type JsonObject } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { testProtos } from "../../test/load-test-protos.ts";
import { jsonViolations } from "./json-body-violations.ts";

// test/protos/shape/v1/shape.proto
const Shape = (await testProtos).getMessage("shape.v1.Shape")!;

describe("jsonViolations", () => {
  it.each<[string, JsonObject]>([
    ["a list of messages", { points: [{ x: 1 }, { y: -2 }] }],
    ["one member of a oneof", { circleRadius: 2.5 }],
    ["a oneof member next to null for another", { circle_radius: 1, squareSide: null }],
    ["a map", { labels: { a: 1, b: 2 } }],
    ["well-known types in their own JSON forms", { created: "2024-01-01T00:00:00Z", weight: "12" }],
    ["null everywhere", { points: null, created: null, weight: null, note: null }],
    ["a proto3 optional set to its default", { note: "" }],
  ])("accepts %s, as mergeFromJson does", (_, json) => {
    expect(jsonViolations(Shape, json)).toEqual([]);
    expect(() => mergeFromJson(Shape, create(Shape), json)).not.toThrow();
  });

  it.each<[string, JsonObject, { field: string; message: string }[]]>([
    ["an unknown key in the 2nd list item", { points: [{ x: 1 }, { z: 1 }] }, [{ field: "points[1].z", message: "is not a field of shape.v1.Point" }]],
    ["a list item that is not an object", { points: [{ x: 1 }, 7] }, [{ field: "points[1]", message: "must be a JSON object (shape.v1.Point)" }]],
    ["int32 overflow in a list item", { points: [{ x: 2147483648 }] }, [{ field: "points[0].x", message: expect.stringContaining("2147483648") }]],
    ["two members of a oneof", { circleRadius: 1, squareSide: 2 }, [{ field: "squareSide", message: "cannot be set together with circleRadius (oneof kind)" }]],
    ["a map with a bad value", { labels: { a: "x" } }, [{ field: "labels", message: expect.any(String) }]],
    ["a bad wrapper", { weight: "heavy" }, [{ field: "weight", message: expect.any(String) }]],
    [
      "every problem, not just the first",
      { bogus: 1, points: [{ x: "1.5" }], created: 5 },
      [
        { field: "bogus", message: "is not a field of shape.v1.Shape" },
        { field: "points[0].x", message: expect.any(String) },
        { field: "created", message: expect.any(String) },
      ],
    ],
  ])("refuses %s", (_, json, expected) => {
    expect(jsonViolations(Shape, json)).toEqual(expected);
    // The same input protobuf-es refuses: nothing slips through, nothing is refused for no reason.
    expect(() => mergeFromJson(Shape, create(Shape), json)).toThrow();
  });

  it("prefixes paths when checking a field's JSON", () => {
    expect(jsonViolations(Shape, { points: [{ q: 1 }] }, "shape")).toEqual([{ field: "shape.points[0].q", message: "is not a field of shape.v1.Point" }]);
  });

});
