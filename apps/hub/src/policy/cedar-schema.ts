import type { SchemaJson, Type } from '@cedar-policy/cedar-wasm/nodejs';

/** The Cedar namespace of every hub entity and action: `McpHub::Tool`, `McpHub::Action::"call"`. */
export const CEDAR_NAMESPACE = 'McpHub';

/** What the schema is generated from: the live manifests' tools and prompts. */
export interface SchemaSources {
  tools: Iterable<{ descriptor: { inputSchema: Record<string, unknown> } }>;
  prompts: Iterable<{ descriptor: { arguments: ReadonlyArray<{ name: string }> } }>;
}

type CedarType = Type<string>;
type Attributes = Record<string, CedarType & { required?: boolean }>;

const STRING: CedarType = { type: 'String' };
const BOOLEAN: CedarType = { type: 'Boolean' };
const STRING_SET: CedarType = { type: 'Set', element: STRING };

/**
 * The Cedar schema (JSON form) that policies are validated against, generated from the live
 * manifests:
 *  - entities `Role`, `Principal in [Role] { scopes }`, `Connector`, and `Tool`, `Resource`,
 *    `Prompt`, each `in [Connector]`;
 *  - actions `call` (Tool), `read` (Resource), `get_prompt` (Prompt), `complete` (Prompt or
 *    Resource);
 *  - `call`'s `context.arguments` declares every tool argument whose JSON Schema type maps to
 *    Cedar (string, integer, boolean, arrays of those), optional since a tool may not have it, so
 *    rules test `context.arguments has repo` first. An argument name two tools type differently is
 *    left out: no single Cedar type fits it. `get_prompt`'s `context.arguments` declares every
 *    prompt argument (strings).
 */
export function generateCedarSchema(sources: SchemaSources): SchemaJson<string> {
  const record = (attributes: Attributes): CedarType => ({ type: 'Record', attributes });
  const inConnector = (attributes: Attributes) => ({ memberOfTypes: ['Connector'], shape: record(attributes) });
  return {
    [CEDAR_NAMESPACE]: {
      entityTypes: {
        Role: {},
        Principal: { memberOfTypes: ['Role'], shape: record({ scopes: STRING_SET }) },
        Connector: {},
        Tool: inConnector({
          name: STRING,
          connector: STRING,
          readOnly: BOOLEAN,
          destructive: BOOLEAN,
          idempotent: BOOLEAN,
          openWorld: BOOLEAN,
          scopes: STRING_SET,
        }),
        Resource: inConnector({ uri: STRING, connector: STRING }),
        Prompt: inConnector({ name: STRING, connector: STRING }),
      },
      actions: {
        call: { appliesTo: { principalTypes: ['Principal'], resourceTypes: ['Tool'], context: record({ arguments: record(toolArguments(sources.tools)) }) } },
        read: { appliesTo: { principalTypes: ['Principal'], resourceTypes: ['Resource'], context: record({}) } },
        get_prompt: { appliesTo: { principalTypes: ['Principal'], resourceTypes: ['Prompt'], context: record({ arguments: record(promptArguments(sources.prompts)) }) } },
        complete: { appliesTo: { principalTypes: ['Principal'], resourceTypes: ['Prompt', 'Resource'], context: record({}) } },
      },
    },
  };
}

function toolArguments(tools: SchemaSources['tools']): Attributes {
  const typed = new Map<string, CedarType | 'conflict'>();
  for (const { descriptor } of tools) {
    const properties = descriptor.inputSchema['properties'];
    if (!isObject(properties)) continue;
    for (const [name, schema] of Object.entries(properties)) {
      const type = cedarTypeOf(schema);
      if (!type) continue;
      const seen = typed.get(name);
      if (seen === undefined) typed.set(name, type);
      else if (seen !== 'conflict' && JSON.stringify(seen) !== JSON.stringify(type)) typed.set(name, 'conflict');
    }
  }
  const attributes: Attributes = {};
  for (const [name, type] of typed) if (type !== 'conflict') attributes[name] = { ...type, required: false };
  return attributes;
}

function promptArguments(prompts: SchemaSources['prompts']): Attributes {
  const attributes: Attributes = {};
  for (const { descriptor } of prompts) for (const { name } of descriptor.arguments) attributes[name] = { ...STRING, required: false };
  return attributes;
}

/** The Cedar type of an argument's JSON Schema, or undefined when none fits (objects, numbers, unions). */
function cedarTypeOf(schema: unknown): CedarType | undefined {
  if (!isObject(schema)) return undefined;
  switch (schema['type']) {
    case 'string':
      return STRING;
    case 'integer':
      return { type: 'Long' };
    case 'boolean':
      return BOOLEAN;
    case 'array': {
      const element = cedarTypeOf(schema['items']);
      return element && element.type !== 'Set' ? { type: 'Set', element } : undefined;
    }
    default:
      return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
