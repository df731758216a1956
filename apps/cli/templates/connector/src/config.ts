import { z } from 'zod';
import { numberOrText } from '@mcp-hub/connector-kit';

/** This connector's settings (`connectors.{{id}}` in the hub's file); unknown keys are errors. */
export const ConfigSchema = z.strictObject({
  /** Most notes kept; adding more is refused. */
  maxNotes: z.number().int().min(1).max(10_000).default(100),
});
export type Config = z.output<typeof ConfigSchema>;

/** Settings from the environment ({{ID}}_MAX_NOTES). Secrets belong here, never in the file. */
export function configFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  return { maxNotes: numberOrText(env['{{ID}}_MAX_NOTES']) };
}
