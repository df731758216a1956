import Ajv2020, { type ValidateFunction, type ErrorObject } from 'ajv/dist/2020';
import type { ToolDescriptor } from '@mcp-hub/connector-contract';

/**
 * Validates tool arguments against the descriptor's JSON Schema (2020-12) before they leave the
 * hub. Each schema is compiled once, on first use, and cached by descriptor identity: the
 * inventory replaces a descriptor object only when its manifest changes.
 */
export class ArgumentValidator {
  private readonly ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false });
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
      try {
        entry = this.ajv.compile(descriptor.inputSchema);
      } catch (error) {
        entry = new Error((error as Error).message.slice(0, 200));
        this.onUnusableSchema?.(descriptor.name, entry.message);
      } finally {
        // Each schema stands alone: without this, Ajv keeps every compiled schema for good and
        // registers its `$id`, so one connector's schema could collide with, or be `$ref`ed by,
        // another's. The compiled function keeps working.
        this.ajv.removeSchema(descriptor.inputSchema);
      }
      this.cache.set(descriptor, entry);
    }
    return entry;
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
