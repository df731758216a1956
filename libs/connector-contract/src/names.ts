import { z } from 'zod';

/**
 * Words that name the hub's own subject trees (`<ns>.v2.hub.…`, `<ns>.v2.registry.…`,
 * `<ns>.v2.discover`): a connector with such an id would get NATS permissions covering them;
 * and `jobs`, since the hub's own tools are `jobs_get` and `jobs_cancel`.
 */
export const RESERVED_CONNECTOR_IDS: readonly string[] = ['hub', 'hubs', 'registry', 'discover', 'jobs'];

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

/**
 * Longest name an MCP client may see for a tool or prompt. The spec (2025-11-25) allows 128, but
 * the model APIs that clients hand tools to allow 64: see docs/decisions/0005-tool-names.md.
 */
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
 * What goes before a connector's tool and prompt names as clients see them: by default its id
 * (`helpdesk` → `helpdesk_search_tickets`), or another snake_case word, or `''` for none (a
 * bridged server's tools keep their own names). Set per connector in the hub's configuration.
 */
export const NamePrefixSchema = z.union([z.literal(''), z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, 'prefix must be empty or match ^[a-z][a-z0-9_]{0,30}$')]);

/**
 * The name an MCP client sees for a tool or prompt under a connector's {@link NamePrefixSchema
 * prefix}: `<prefix>_<name>`, or `<name>` when the prefix is empty. `qualifiedToolName` is this
 * with the connector's id.
 * @throws InvalidNameError when either part is invalid or the result exceeds 64 characters.
 */
export function prefixedName(prefix: string, name: string): string {
  assertValid(NamePrefixSchema, prefix, 'name prefix');
  assertValid(ToolNameSchema, name, 'tool name');
  const visible = prefix === '' ? name : `${prefix}_${name}`;
  if (visible.length > MAX_QUALIFIED_NAME_LENGTH) {
    throw new InvalidNameError(`name "${visible}" is ${visible.length} characters; the limit is ${MAX_QUALIFIED_NAME_LENGTH}`);
  }
  return visible;
}

/**
 * The name an MCP client sees for a resource or resource template: `<connector>_<name>`, as for
 * tools, so that a model reading a list of resources knows whose each one is. Resources are
 * addressed by URI, so the name is never parsed back. The only place that builds it.
 */
export function qualifiedResourceName(connector: string, name: string, prefix: string = connector): string {
  assertValid(ConnectorIdSchema, connector, 'connector id');
  return prefix === '' ? name : `${prefix}_${name}`;
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
