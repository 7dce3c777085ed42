// Absolute path of the folder holding the .proto sources, for tools that load
// them directly (e.g. @grpc/proto-loader in the interoperability tests).
export const protoRoot = new URL(".", import.meta.url).pathname;
