export { listenDualProtocol, type DualProtocolServer, type NodeHandler } from "./dual-protocol-server.ts";
export { sniffProtocol, type Sniffed, type WireProtocol } from "./sniff-protocol.ts";
export { observeStreamEnd } from "./observe-stream-end.ts";
