import { describe, expect, it } from "vitest";
import { isRpcCall, isSupportedRequestType, rpcPathOf, rpcProtocolOf, type RpcProtocol } from "./rpc-protocol.ts";

const url = "https://edge.test/orders.v1.OrderService/WatchOrders";
const post = (contentType: string) => new Request(url, { method: "POST", headers: { "content-type": contentType }, body: "" });

describe("rpcProtocolOf and isSupportedRequestType", () => {
  // Content type → the protocol read from it, whether a unary method takes it, whether a streaming one does.
  const cases: [string, RpcProtocol, boolean, boolean][] = [
    ["application/json", { kind: "connect", binary: false, get: false }, true, false],
    ["application/proto", { kind: "connect", binary: true, get: false }, true, false],
    ["application/connect+json", { kind: "connect", binary: false, get: false, stream: true }, false, true],
    ["Application/Connect+Proto; charset=utf-8", { kind: "connect", binary: true, get: false, stream: true }, false, true],
    ["application/connect+thrift", { kind: "connect", binary: false, get: false, stream: true }, false, false],
    ["application/grpc-web", { kind: "grpc-web", text: false }, true, true],
    ["application/grpc-web+proto", { kind: "grpc-web", text: false }, true, true],
    ["application/grpc-web-text", { kind: "grpc-web", text: true }, true, true],
    ["text/plain", { kind: "connect", binary: false, get: false }, false, false],
  ];
  it.each(cases)("%s", (contentType, protocol, unary, streaming) => {
    const request = post(contentType);
    expect(rpcProtocolOf(request)).toEqual(protocol);
    expect([isSupportedRequestType(request, protocol), isSupportedRequestType(request, protocol, true)]).toEqual([unary, streaming]);
  });
});

describe("isRpcCall", () => {
  const services = new Set(["user.v1.UserService", "orders.v1.OrderService"]);
  // Path, method, content type → answered in an RPC protocol's format (else REST's problem JSON).
  it.each([
    ["/user.v1.UserService/GetUserById", "POST", "application/json", true],
    ["/orders.v1.OrderService/GetOrdersByUserIds", "POST", "application/json", true],
    ["/openapi.json/r", "GET", "application/json", false],
    ["/openapi.json/r", "POST", "", false],
    ["/acme.v1.Other/Call", "POST", "application/json", false],
    ["/acme.v1.Other/Call", "POST", "application/grpc-web+proto", true],
    ["/acme.v1.Other/Call", "POST", "application/connect+json", true],
    ["/acme.v1.Other/Call", "POST", "application/proto", true],
    ["/acme.v1.Other/Call?connect=v1&encoding=json", "GET", "", true],
  ])("%s %s %s → %s", (target, method, contentType, rpc) => {
    const request = new Request(`https://edge.test${target}`, { method, headers: contentType ? { "content-type": contentType } : {} });
    expect(isRpcCall(request, rpcPathOf(new URL(request.url).pathname)!, services)).toBe(rpc);
  });
});
