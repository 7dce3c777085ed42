import { placeholderSecretReason } from "@grpc-edge/proto/placeholder-secret";

/**
 * One environment variable: how to parse it, its default and a description that
 * also feeds the configuration table in the README.
 */
export interface EnvVar<T> {
  readonly description: string;
  /** Shown in docs; undefined means "required" unless `optional` is set. */
  readonly defaultValue?: T;
  readonly optional?: boolean;
  /** Parses the raw value; throws an Error whose message says what is expected. */
  parse(raw: string): T;
}

function integer(raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new Error(`must be an integer between ${min} and ${max}`);
  const value = Number(raw);
  if (value < min || value > max) throw new Error(`must be an integer between ${min} and ${max}`);
  return value;
}

/** Builders for the kinds of variable the services use. */
export const env = {
  port(description: string, defaultValue?: number): EnvVar<number> {
    return { description, defaultValue, parse: (raw) => integer(raw, 0, 65_535) };
  },
  /** A TCP port (0: any free one), or "off". */
  portOrOff(description: string, defaultValue: number): EnvVar<number | undefined> {
    return {
      description,
      defaultValue,
      parse: (raw) => {
        if (raw.trim() === "off") return undefined;
        if (!/^\d+$/.test(raw.trim()) || Number(raw) > 65_535) throw new Error("must be an integer between 0 and 65535, or off");
        return Number(raw);
      },
    };
  },
  int(description: string, opts: { min: number; max: number; defaultValue?: number }): EnvVar<number> {
    return { description, defaultValue: opts.defaultValue, parse: (raw) => integer(raw, opts.min, opts.max) };
  },
  string(description: string, defaultValue?: string): EnvVar<string> {
    return {
      description,
      defaultValue,
      parse: (raw) => {
        if (raw.trim() === "") throw new Error("must not be empty");
        return raw;
      },
    };
  },
  optionalString(description: string): EnvVar<string | undefined> {
    return { description, optional: true, parse: (raw) => (raw.trim() === "" ? undefined : raw) };
  },
  /** An absolute URL whose scheme is one of `protocols` (e.g. "http:", "postgres:"). */
  url(description: string, protocols: readonly string[], defaultValue?: string): EnvVar<string> {
    return {
      description,
      defaultValue,
      parse: (raw) => {
        let url: URL;
        try {
          url = new URL(raw);
        } catch {
          throw new Error(`must be an absolute URL (${protocols.join(" or ")})`);
        }
        if (!protocols.includes(url.protocol)) throw new Error(`must use ${protocols.join(" or ")}`);
        return raw;
      },
    };
  },
  optionalUrl(description: string, protocols: readonly string[]): EnvVar<string | undefined> {
    const inner = env.url(description, protocols);
    return { description, optional: true, parse: (raw) => (raw.trim() === "" ? undefined : inner.parse(raw)) };
  },
  /** A secret of at least `minBytes` bytes (UTF-8); its value is never echoed in errors. */
  secret(description: string, minBytes: number): EnvVar<string> {
    return {
      description,
      parse: (raw) => {
        if (Buffer.byteLength(raw, "utf8") < minBytes) throw new Error(`must be at least ${minBytes} bytes long`);
        const placeholder = placeholderSecretReason(raw);
        if (placeholder !== undefined) throw new Error(placeholder);
        return raw;
      },
    };
  },
  /** A value with a parser of its own; unset: undefined (`optional`). */
  optionalParsed<T>(description: string, parse: (raw: string) => T): EnvVar<T | undefined> {
    return { description, optional: true, parse };
  },
  oneOf<const T extends string>(description: string, values: readonly T[], defaultValue?: T): EnvVar<T> {
    return {
      description,
      defaultValue,
      parse: (raw) => {
        if (!(values as readonly string[]).includes(raw)) throw new Error(`must be one of ${values.join(", ")}`);
        return raw as T;
      },
    };
  },
  optionalOneOf<const T extends string>(description: string, values: readonly T[]): EnvVar<T | undefined> {
    const inner = env.oneOf(description, values);
    return { description, optional: true, parse: (raw) => (raw.trim() === "" ? undefined : inner.parse(raw)) };
  },
  boolean(description: string, defaultValue?: boolean): EnvVar<boolean> {
    return {
      description,
      defaultValue,
      parse: (raw) => {
        if (/^(1|true|yes)$/i.test(raw)) return true;
        if (/^(0|false|no)$/i.test(raw)) return false;
        throw new Error("must be true or false");
      },
    };
  },
};
