import { runService } from "@grpc-edge/service-kit";
import { userServiceDefinition } from "./definition.ts";

await runService(userServiceDefinition);
