// The Go-schema reader behind terraform/schema/cloudflare-*.json, on a snippet shaped like the
// provider's generated schema.go (strings with braces, raw strings, nesting, validators).
import { describe, expect, it } from "vitest";
import { extractSchema } from "./extract-cloudflare-schema.ts";

const source = `
func ResourceSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		Version: 500,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description: "Identifier {not a brace}.",
				Computed:    true,
			},
			"name": schema.StringAttribute{
				Description: \`Raw "string" with } brace\`,
				Required:    true,
			},
			"token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
			},
			"host": schema.SingleNestedAttribute{
				Required: true,
				Attributes: map[string]schema.Attribute{
					"hostname": schema.StringAttribute{
						Optional: true,
					},
					"network": schema.SingleNestedAttribute{
						Optional: true,
						Attributes: map[string]schema.Attribute{
							"tunnel_id": schema.StringAttribute{
								Required: true,
							},
						},
					},
				},
			},
			"bindings": schema.ListNestedAttribute{
				Optional: true,
				Computed: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"type": schema.StringAttribute{
							Required: true,
							Validators: []validator.String{
								stringvalidator.OneOfCaseInsensitive(
									"plain_text",
									"vpc_service",
								),
							},
						},
					},
				},
			},
		},
	}
}`;

describe("extractSchema", () => {
  it("reads each attribute's kind, flags, nesting and allowed values", () => {
    expect(extractSchema(source)).toEqual({
      id: { kind: "String", computed: true },
      name: { kind: "String", required: true },
      token: { kind: "String", optional: true, sensitive: true },
      host: {
        kind: "SingleNested",
        required: true,
        attributes: {
          hostname: { kind: "String", optional: true },
          network: { kind: "SingleNested", optional: true, attributes: { tunnel_id: { kind: "String", required: true } } },
        },
      },
      bindings: {
        kind: "ListNested",
        optional: true,
        computed: true,
        attributes: { type: { kind: "String", required: true, one_of: ["plain_text", "vpc_service"] } },
      },
    });
  });

  it("refuses a source without a schema", () => {
    expect(() => extractSchema("package x")).toThrow("no top-level Attributes map");
  });
});
