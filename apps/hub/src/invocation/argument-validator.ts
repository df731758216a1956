import Ajv from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020, { type ValidateFunction, type ErrorObject } from 'ajv/dist/2020';
import type { ToolDescriptor } from '@mcp-hub/connector-contract';

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
const DRAFT_2019 = /^https?:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/;

/**
 * Validates tool arguments against the descriptor's JSON Schema before they leave the hub: 2020-12
 * (MCP's default), or draft-07 / 2019-09 when the schema's `$schema` says so (bridged servers
 * built on zod-to-json-schema send draft-07). Each schema is compiled once, on first use, and
 * cached by descriptor identity: the inventory replaces a descriptor object only when its
 * manifest changes.
 */
export class ArgumentValidator {
  private readonly ajv2020 = new Ajv2020({ allErrors: false, strict: false, validateFormats: false });
  private readonly ajv2019 = new Ajv2019({ allErrors: false, strict: false, validateFormats: false });
  private readonly ajv07 = new Ajv({ allErrors: false, strict: false, validateFormats: false });
  private readonly cache = new WeakMap<ToolDescriptor, ValidateFunction | Error>();

  /** `onUnusableSchema` hears about schemas that do not compile (for the log; the model gets a generic message). */
  constructor(private readonly onUnusableSchema?: (tool: string, reason: string) => void) {}

  /** Returns undefined when the arguments are valid, else a message telling the model what to fix. */
  check(descriptor: ToolDescriptor, args: Record<string, unknown>): string | undefined {
    const validate = this.compiled(descriptor);
    if (validate instanceof Error) return "The tool's input schema cannot be used, so the call was not sent. The problem has been logged.";
    if (validate(args)) return undefined;
    return `Invalid arguments for ${descriptor.name}: ${describe(validate.errors ?? [])}. Fix the arguments and call again.`;
  }

  private compiled(descriptor: ToolDescriptor): ValidateFunction | Error {
    let entry = this.cache.get(descriptor);
    if (!entry) {
      const ajv = this.ajvFor(descriptor.inputSchema);
      try {
        entry = ajv.compile(descriptor.inputSchema);
      } catch (error) {
        entry = new Error((error as Error).message.slice(0, 200));
        this.onUnusableSchema?.(descriptor.name, entry.message);
      } finally {
        // Each schema stands alone: without this, Ajv keeps every compiled schema for good and
        // registers its `$id`, so one connector's schema could collide with, or be `$ref`ed by,
        // another's. The compiled function keeps working.
        ajv.removeSchema(descriptor.inputSchema);
      }
      this.cache.set(descriptor, entry);
    }
    return entry;
  }

  private ajvFor(schema: Record<string, unknown>): Ajv {
    const declared = schema['$schema'];
    if (typeof declared !== 'string') return this.ajv2020;
    if (DRAFT_07.test(declared)) return this.ajv07;
    if (DRAFT_2019.test(declared)) return this.ajv2019;
    return this.ajv2020;
  }
}

function describe(errors: ErrorObject[]): string {
  const first = errors[0];
  if (!first) return 'arguments do not match the schema';
  const where = first.instancePath ? `"${first.instancePath.slice(1).replaceAll('/', '.')}"` : 'arguments';
  if (first.keyword === 'additionalProperties') return `${where} has an unexpected property "${String(first.params['additionalProperty'])}"`;
  if (first.keyword === 'required') return `${where} is missing the required property "${String(first.params['missingProperty'])}"`;
  return `${where} ${first.message ?? 'is invalid'}`;
}
