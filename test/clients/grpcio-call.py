"""One unary call with Python's stock grpcio client, as a team's existing caller makes it.

Messages come from a FileDescriptorSet that `buf build` wrote (Debian's protoc plugin for
Python is too old for these protos), so nothing is generated. Prints one JSON line:
{"ok": true, "response": {...}} or {"ok": false, "code": "UNAUTHENTICATED", "details": "..."}.

usage: grpcio-call.py DESCRIPTOR_SET TARGET /package.Service/Method REQUEST_JSON [TOKEN]
"""
import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory


def main() -> None:
    descriptor_set, target, path, request_json = sys.argv[1:5]
    token = sys.argv[5] if len(sys.argv) > 5 else None
    files = descriptor_pb2.FileDescriptorSet()
    with open(descriptor_set, "rb") as f:
        files.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    service_name, method_name = path.strip("/").split("/")
    method = pool.FindServiceByName(service_name).FindMethodByName(method_name)
    factory = message_factory.MessageFactory(pool)
    request_class = factory.GetPrototype(method.input_type)
    response_class = factory.GetPrototype(method.output_type)
    request = json_format.Parse(request_json, request_class(), descriptor_pool=pool)
    metadata = [("authorization", f"Bearer {token}")] if token else []
    with grpc.insecure_channel(target) as channel:
        call = channel.unary_unary(path, request_serializer=request_class.SerializeToString, response_deserializer=response_class.FromString)
        try:
            response = call(request, metadata=metadata, timeout=5)
        except grpc.RpcError as error:
            print(json.dumps({"ok": False, "code": error.code().name, "details": error.details()}))
            return
    print(json.dumps({"ok": True, "response": json_format.MessageToDict(response, descriptor_pool=pool)}))


if __name__ == "__main__":
    main()
