import type { z } from 'zod';
import { ToolError } from '@mcp-hub/connector-kit';

/** A GitHub answer parsed with `schema`; one that does not fit is an `upstream` failure the model hears about, not a bug. */
export function parseGithub<T extends z.ZodType>(schema: T, data: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ToolError('upstream', `GitHub answered ${what} in an unexpected shape.`);
  return parsed.data;
}
