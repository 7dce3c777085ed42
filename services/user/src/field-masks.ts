import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { reflect } from "@bufbuild/protobuf/reflect";
import type { FieldMask } from "@bufbuild/protobuf/wkt";
import { UserSchema, type UpdateUserRequest, type User } from "@grpc-edge/proto/user/v1";
import { fieldViolation, violationsError } from "@grpc-edge/service-kit";
import type { UserChanges } from "./user-repository.ts";

/** The field of `message` a mask path names, through singular and repeated messages; undefined if none. */
function resolve(message: DescMessage, path: string): DescField | undefined {
  let current: DescMessage | undefined = message;
  let field: DescField | undefined;
  for (const name of path.split(".")) {
    field = current?.fields.find((f) => f.name === name);
    if (field === undefined) return undefined;
    current = field.message;
  }
  return field;
}

/** INVALID_ARGUMENT naming every path of `mask` that is not a field of `message`. */
export function requireKnownPaths(mask: FieldMask | undefined, message: DescMessage, maskField: DescField): void {
  const unknown = (mask?.paths ?? []).filter((path) => resolve(message, path) === undefined);
  if (unknown.length > 0) {
    throw violationsError(unknown.map((path) => fieldViolation(maskField, `"${path}" is not a field of ${message.name}`, "field_mask.known_path")));
  }
}

const ORDER_FIELDS = ["orders", "order_count"];

/** Whether a read with this mask needs the user's orders (no mask: everything is wanted). */
export function wantsOrders(mask: FieldMask | undefined): boolean {
  if (mask === undefined || mask.paths.length === 0) return true;
  return mask.paths.some((path) => ORDER_FIELDS.includes(path.split(".")[0]!));
}

/**
 * Clears the top-level fields of `user` that the mask does not name. Nested paths
 * ("orders.item.name") keep their whole top-level field; the REST edge trims deeper.
 */
export function applyReadMask(user: User, mask: FieldMask | undefined): User {
  if (mask === undefined || mask.paths.length === 0) return user;
  const kept = new Set(mask.paths.map((path) => path.split(".")[0]));
  const message = reflect(UserSchema, user);
  for (const field of UserSchema.fields) if (!kept.has(field.name)) message.clear(field);
  return user;
}

const UPDATABLE = new Map<string, keyof UserChanges>([
  ["first_name", "firstName"],
  ["last_name", "lastName"],
  ["email", "email"],
]);

/**
 * The changes an UpdateUser asks for. With an update_mask (AIP-134): exactly the named
 * fields — one named but not set would be cleared, which none of them allows — and fields
 * set but not named are ignored. Without one: the fields that are set.
 */
export function requestedChanges(req: UpdateUserRequest, schema: DescMessage): UserChanges {
  const setFields: UserChanges = { firstName: req.firstName, lastName: req.lastName, email: req.email };
  const paths = req.updateMask?.paths ?? [];
  if (paths.length === 0) return setFields;
  const maskField = schema.fields.find((f) => f.name === "update_mask")!;
  const unknown = paths.filter((path) => !UPDATABLE.has(path));
  if (unknown.length > 0) {
    throw violationsError(unknown.map((path) => fieldViolation(maskField, `"${path}" is not a field an update may change`, "field_mask.known_path")));
  }
  const cleared = paths.filter((path) => setFields[UPDATABLE.get(path)!] === undefined);
  if (cleared.length > 0) {
    throw violationsError(
      cleared.map((path) => fieldViolation(schema.fields.find((f) => f.name === path)!, "cannot be cleared: it is in update_mask but has no value", "required")),
    );
  }
  const changes: UserChanges = {};
  for (const path of paths) changes[UPDATABLE.get(path)!] = setFields[UPDATABLE.get(path)!];
  return changes;
}
