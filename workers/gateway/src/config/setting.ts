import { placeholderSecretReason } from "@grpc-edge/proto/placeholder-secret";
import { configError } from "../errors/gateway-error.ts";

/**
 * One Worker variable: what it means (the README's gateway table is generated from it),
 * what an unset or blank value means, and how a set value is parsed. The gateway's
 * twin of the services' env-var.ts, without Node APIs.
 */
export interface Setting<T> {
  readonly description: string;
  /** The value when unset or blank; undefined: required, unless `optional`. */
  readonly defaultValue?: T;
  /** Unset or blank is fine and means undefined. */
  readonly optional?: true;
  /** A credential: set with `wrangler secret put` (or .dev.vars), never in wrangler.toml. */
  readonly secret?: true;
  /** Parses a set value; throws an Error whose message says what is expected, never the value. */
  parse(raw: string): T;
}

/** The value of `name`, or a config error that names the setting and the rule, never the value. */
export function readSetting<T>(name: string, setting: Setting<T>, raw: string | undefined): T {
  if (raw === undefined || raw.trim() === "") {
    if (setting.defaultValue !== undefined || setting.optional) return setting.defaultValue as T;
    throw configError(`${name} is not set`);
  }
  try {
    return setting.parse(raw);
  } catch (err) {
    throw configError(`${name} ${err instanceof Error ? err.message : String(err)}`);
  }
}

const encoder = new TextEncoder();

function integer(raw: string, min: number, max: number, unit: string): number {
  const value = raw.trim();
  const n = /^[0-9]{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw new Error(`must be an integer number of ${unit} from ${min} to ${max}`);
  return n;
}

/** Builders for the kinds of setting the gateway has. */
export const setting = {
  /** A base URL Connect appends "/<package.Service>/<Method>" to: http(s), no query or fragment. */
  serviceUrl(description: string): Setting<string> {
    return { description, parse: serviceUrl };
  },
  optionalServiceUrl(description: string): Setting<string | undefined> {
    return { description, optional: true, parse: serviceUrl };
  },
  milliseconds(description: string, opts: { min: number; max: number; defaultValue: number }): Setting<number> {
    return { description, defaultValue: opts.defaultValue, parse: (raw) => integer(raw, opts.min, opts.max, "milliseconds") };
  },
  seconds(description: string, opts: { min: number; max: number; defaultValue: number }): Setting<number> {
    return { description, defaultValue: opts.defaultValue, parse: (raw) => integer(raw, opts.min, opts.max, "seconds") };
  },
  boolean(description: string, defaultValue: boolean): Setting<boolean> {
    return {
      description,
      defaultValue,
      parse(raw) {
        const value = raw.trim().toLowerCase();
        if (value === "true") return true;
        if (value === "false") return false;
        throw new Error("must be true or false");
      },
    };
  },
  /** A non-blank string, trimmed. */
  text(description: string): Setting<string> {
    return { description, parse: (raw) => raw.trim() };
  },
  /** A key of at least `minBytes` bytes (UTF-8), taken as is; never a placeholder (.dev.vars.example's values, one character repeated). */
  secret(description: string, minBytes: number): Setting<string> {
    return { description, secret: true, parse: (raw) => key(raw, minBytes) };
  },
  optionalSecret(description: string, minBytes: number): Setting<string | undefined> {
    return { description, secret: true, optional: true, parse: (raw) => key(raw, minBytes) };
  },
  /** A comma-separated list; each item (trimmed, blanks dropped) must pass `check`. */
  list(description: string, check: (item: string) => boolean, rule: string): Setting<readonly string[]> {
    return {
      description,
      defaultValue: [],
      parse(raw) {
        const items = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
        if (!items.every(check)) throw new Error(rule);
        return items;
      },
    };
  },
};

function key(raw: string, minBytes: number): string {
  if (encoder.encode(raw).byteLength < minBytes) throw new Error(`must be at least ${minBytes} bytes long`);
  // Long enough is not secret enough: a key copied from the example is one everybody knows.
  const placeholder = placeholderSecretReason(raw);
  if (placeholder !== undefined) throw new Error(placeholder);
  return raw;
}

function serviceUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error("must be an absolute http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("must be an absolute http(s) URL");
  if (url.search !== "" || url.hash !== "") throw new Error("must not have a query or fragment");
  return url.href;
}
