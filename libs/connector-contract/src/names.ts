import { z } from 'zod';

/**
 * Words that name the hub's own subject trees (`<ns>.v2.hub.…`, `<ns>.v2.registry.…`,
 * `<ns>.v2.discover`): a connector with such an id would get NATS permissions covering them.
 */
export const RESERVED_CONNECTOR_IDS: readonly string[] = ['hub', 'hubs', 'registry', 'discover'];

/** A connector id: lowercase letters and digits, 2–31 characters, not reserved. It never contains `_` or `.`. */
export const ConnectorIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9]{1,30}$/, 'connector id must match ^[a-z][a-z0-9]{1,30}$')
  .refine((id) => !RESERVED_CONNECTOR_IDS.includes(id), { message: `connector id must not be one of ${RESERVED_CONNECTOR_IDS.join(', ')}` });
export type ConnectorId = z.infer<typeof ConnectorIdSchema>;

/** A tool or prompt name inside one connector: snake_case, starts with a letter. */
export const ToolNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z][a-z0-9_]*$/, 'name must match ^[a-z][a-z0-9_]*$');
export type ToolName = z.infer<typeof ToolNameSchema>;

/** Longest name an MCP client may see for a tool or prompt (many clients refuse longer ones). */
export const MAX_QUALIFIED_NAME_LENGTH = 64;

export class InvalidNameError extends Error {
  override readonly name = 'InvalidNameError';
}

/**
 * The name an MCP client sees: `<connector>_<tool>`. The only place that builds it.
 * @throws InvalidNameError when either part is invalid or the result exceeds 64 characters.
 */
export function qualifiedToolName(connector: string, tool: string): string {
  assertValid(ConnectorIdSchema, connector, 'connector id');
  assertValid(ToolNameSchema, tool, 'tool name');
  const qualified = `${connector}_${tool}`;
  if (qualified.length > MAX_QUALIFIED_NAME_LENGTH) {
    throw new InvalidNameError(
      `qualified name "${qualified}" is ${qualified.length} characters; the limit is ${MAX_QUALIFIED_NAME_LENGTH}`,
    );
  }
  return qualified;
}

/**
 * The name an MCP client sees for a resource or resource template: `<connector>_<name>`, as for
 * tools, so that a model reading a list of resources knows whose each one is. Resources are
 * addressed by URI, so the name is never parsed back. The only place that builds it.
 */
export function qualifiedResourceName(connector: string, name: string): string {
  assertValid(ConnectorIdSchema, connector, 'connector id');
  return `${connector}_${name}`;
}

/**
 * Splits a client-visible name back into connector id and tool name. Connector ids contain no
 * underscore, so the first `_` separates them. Returns undefined for anything that could not
 * have been built by {@link qualifiedToolName}.
 */
export function parseQualifiedName(qualified: string): { connector: string; tool: string } | undefined {
  if (qualified.length > MAX_QUALIFIED_NAME_LENGTH) return undefined;
  const cut = qualified.indexOf('_');
  if (cut < 0) return undefined;
  const connector = qualified.slice(0, cut);
  const tool = qualified.slice(cut + 1);
  if (!ConnectorIdSchema.safeParse(connector).success || !ToolNameSchema.safeParse(tool).success) return undefined;
  return { connector, tool };
}

function assertValid(schema: z.ZodType, value: string, what: string): void {
  if (!schema.safeParse(value).success) throw new InvalidNameError(`invalid ${what}: ${JSON.stringify(value)}`);
}
