import { runService } from "@grpc-edge/service-kit";
import { orderServiceDefinition } from "./definition.ts";

await runService(orderServiceDefinition);
