import { createDatabaseConnector } from '@mcp-hub/connector-database';
import { helpdeskConnector } from '@mcp-hub/connector-helpdesk';
import { slackConnector } from '@mcp-hub/connector-slack';
import { createEchoConnector } from '@mcp-hub/connector-kit/testing';
import { exampleConnector } from '@mcp-hub/connector-example';
import { mqttConnector } from '@mcp-hub/connector-mqtt';
import type { Manifest } from '@mcp-hub/connector-contract';

/** Every connector of the repository with every tool it can offer. */
const manifests: Manifest[] = [
  helpdeskConnector.manifest,
  createDatabaseConnector({ sources: [{ name: 'main', mode: 'read-write' }], customTools: [], exports: { maxRows: 1_000_000, maxBytes: 16 * 1024 * 1024 } }).manifest,
  createEchoConnector().manifest,
  exampleConnector.manifest,
  mqttConnector.manifest,
  slackConnector.manifest,
];

const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** Every property name declared anywhere in a JSON Schema, with its path. */
function propertyNames(schema: unknown, at: string): Array<{ name: string; at: string }> {
  if (schema === null || typeof schema !== 'object') return [];
  const found: Array<{ name: string; at: string }> = [];
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && value && typeof value === 'object') {
      for (const [name, sub] of Object.entries(value)) found.push({ name, at: `${at}.${name}` }, ...propertyNames(sub, `${at}.${name}`));
    } else found.push(...propertyNames(value, `${at}.${key}`));
  }
  return found;
}

describe('tool arguments', () => {
  it('use one casing, snake_case, in every connector (as the MCP ecosystem servers do)', () => {
    const offenders = manifests.flatMap((manifest) =>
      manifest.tools.flatMap((tool) => propertyNames(tool.inputSchema, `${manifest.id}_${tool.name}`).filter(({ name }) => !SNAKE_CASE.test(name))),
    );
    expect(offenders).toEqual([]);
  });

  it('the walk finds nested arguments (it can fail)', () => {
    const names = propertyNames({ type: 'object', properties: { a_b: { type: 'object', properties: { camelCase: {} } } } }, 't').map((p) => p.name);
    expect(names).toEqual(['a_b', 'camelCase']);
  });
});
