import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { createDatabaseConnector } from '@mcp-hub/connector-database';
import { githubConnector } from '@mcp-hub/connector-github';
import { helpdeskConnector } from '@mcp-hub/connector-helpdesk';
import { mqttConnector } from '@mcp-hub/connector-mqtt';
import { slackConnector } from '@mcp-hub/connector-slack';
import { emailConnector } from '../../connectors/email/src/connector';
import type { Manifest } from '@mcp-hub/connector-contract';

const root = path.resolve(__dirname, '../..');

/** Every built-in connector with every tool it can offer (write mode on, a writable source). */
const connectors: Array<{ dir: string; manifest: Manifest }> = [
  { dir: 'connectors/helpdesk', manifest: helpdeskConnector.manifest },
  { dir: 'connectors/github', manifest: githubConnector.manifest },
  { dir: 'connectors/database', manifest: createDatabaseConnector({ sources: [{ name: 'main', mode: 'read-write' }], customTools: [], exports: { maxRows: 1_000_000, maxBytes: 16 * 1024 * 1024 } }).manifest },
  { dir: 'connectors/mqtt', manifest: mqttConnector.manifest },
  { dir: 'connectors/slack', manifest: slackConnector.manifest },
  { dir: 'connectors/email', manifest: emailConnector.manifest },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => !file.split(path.sep).includes('testing'));
}

/** The text of every string and template literal in a file: what can reach a model. Comments are not. */
function literals(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) found.push(node.text);
    node.forEachChild(visit);
  };
  visit(source);
  return found;
}

/** Model-facing prose naming one of `names` bare (`search_tickets`, not `helpdesk_search_tickets`). */
function bareMentions(text: string, names: string[]): string[] {
  if (!/\s/.test(text)) return []; // an identifier (`name: 'update_ticket'`), not prose
  return names.filter((name) => new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`).test(text));
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe.each(connectors)('model-facing text of $dir', ({ dir, manifest }) => {
  const names = [...manifest.tools, ...manifest.prompts].map((t) => t.name);
  const qualified = new Set(names.map((name) => `${manifest.id}_${name}`));

  it('names its tools and prompts as clients see them, in every string literal of its source', () => {
    const offending = sourceFiles(path.join(root, dir)).flatMap((file) =>
      literals(file)
        .map((text) => ({ file: path.relative(root, file), text, bare: bareMentions(text, names) }))
        .filter((hit) => hit.bare.length > 0),
    );
    expect(offending).toEqual([]);
  });

  it('names them so in its manifest (descriptions, schemas, prompt arguments)', () => {
    const offending = [...manifest.tools, ...manifest.prompts, ...manifest.resources, ...manifest.resourceTemplates]
      .flatMap((entry) => strings({ ...entry, name: undefined }))
      .filter((text) => bareMentions(text, names).length > 0);
    expect(offending).toEqual([]);
  });

  it('refers only to tools and prompts that exist', () => {
    const references = sourceFiles(path.join(root, dir))
      .flatMap(literals)
      .filter((text) => /\s/.test(text)) // prose; identifiers such as PostgreSQL's database_to_xml are not references
      .flatMap((text) => text.match(new RegExp(`(?<![A-Za-z0-9_])${manifest.id}_[a-z0-9_]+`, 'g')) ?? []);
    expect(references.filter((name) => !qualified.has(name))).toEqual([]);
  });
});
