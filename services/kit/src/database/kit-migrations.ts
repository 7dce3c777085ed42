import { idempotencyKeysMigration } from "../idempotency/idempotency-keys-migration.ts";
import type { KitMigration } from "./migrate.ts";

/** The kit's migrations by name, as `NNNN_<name>.kit` files in a service's migrations folder refer to them. */
export const kitMigrations: Readonly<Record<string, KitMigration>> = {
  [idempotencyKeysMigration.name]: idempotencyKeysMigration,
};
