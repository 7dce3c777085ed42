// A JWKS endpoint on 127.0.0.1 serving RS256/ES256 keys generated with WebCrypto,
// counting its fetches: the production key path of the edge, for real.
import { webcrypto } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, SignJWT, type JWK, type JWTPayload } from "jose";

export interface JwksServer {
  url: string;
  /** How often the key set was fetched. */
  readonly fetches: number;
  /** Signs with one of the served keys (or a key added later with addKey). */
  sign(kid: string, payload: JWTPayload, alg?: "RS256" | "ES256"): Promise<string>;
  /** Generates a new key; `publish: false` keeps it out of the served set (a rotation not yet visible). */
  addKey(kid: string, alg: "RS256" | "ES256", publish?: boolean): Promise<void>;
  publish(kid: string): void;
  /** The Cache-Control header of the key set's answers (none by default). */
  cacheControl: string | undefined;
  stop(): Promise<void>;
}

const params = {
  RS256: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
  ES256: { name: "ECDSA", namedCurve: "P-256" },
} as const;

export async function startJwksServer(): Promise<JwksServer> {
  const keys = new Map<string, { alg: "RS256" | "ES256"; privateKey: webcrypto.CryptoKey; jwk: JWK; published: boolean }>();
  let fetches = 0;
  let cacheControl: string | undefined;
  const server = http.createServer((_req, res) => {
    fetches++;
    const set = [...keys.values()].filter((k) => k.published).map((k) => k.jwk);
    res.writeHead(200, { "content-type": "application/jwk-set+json", ...(cacheControl ? { "cache-control": cacheControl } : {}) }).end(JSON.stringify({ keys: set }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addKey = async (kid: string, alg: "RS256" | "ES256", published = true) => {
    const pair = (await webcrypto.subtle.generateKey(params[alg], true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: "sig" };
    keys.set(kid, { alg, privateKey: pair.privateKey, jwk, published });
  };
  await addKey("rsa-1", "RS256");
  await addKey("ec-1", "ES256");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    get fetches() {
      return fetches;
    },
    get cacheControl() {
      return cacheControl;
    },
    set cacheControl(value) {
      cacheControl = value;
    },
    addKey,
    publish: (kid) => void (keys.get(kid)!.published = true),
    async sign(kid, payload, alg) {
      const key = keys.get(kid)!;
      return new SignJWT(payload).setProtectedHeader({ alg: alg ?? key.alg, kid, typ: "JWT" }).sign(key.privateKey);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
