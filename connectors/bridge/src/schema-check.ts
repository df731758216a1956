import Ajv from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
const DRAFT_2019 = /^https?:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/;

/**
 * Why the hub could not compile a tool's JSON Schema, or undefined when it can. The hub compiles
 * with Ajv by the schema's `$schema` (draft-07, 2019-09, else 2020-12, as MCP 2025-11-25
 * defaults to); the bridge asks the same question first, so that an unusable schema leaves out
 * one tool with a log line rather than failing every call of it.
 */
export function schemaProblem(schema: Record<string, unknown>): string | undefined {
  const declared = typeof schema['$schema'] === 'string' ? schema['$schema'] : undefined;
  const options = { allErrors: false, strict: false, validateFormats: false } as const;
  const ajv = declared !== undefined && DRAFT_07.test(declared) ? new Ajv(options) : declared !== undefined && DRAFT_2019.test(declared) ? new Ajv2019(options) : new Ajv2020(options);
  try {
    ajv.compile(schema);
    return undefined;
  } catch (error) {
    return (error as Error).message.slice(0, 300);
  }
}
