import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';

interface OpenApiOperation {
  description?: string;
  responses: Record<string, { $ref?: string; content?: Record<string, unknown> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { responses: Record<string, { content?: Record<string, unknown> }> };
}

/**
 * Checks answers against GitHub's official OpenAPI description of api.github.com
 * (`@octokit/openapi`), so that the fake GitHub cannot drift from the real API. OpenAPI 3.0's
 * `nullable` becomes JSON Schema's `null` type; formats are not checked.
 */
export class GithubOpenApi {
  private readonly spec: OpenApi;
  private readonly ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  private readonly templates: Array<{ template: string; pattern: RegExp; params: number }>;

  constructor() {
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    this.spec = JSON.parse(readFileSync(file, 'utf8')) as OpenApi;
    this.ajv.addSchema({ paths: toJsonSchema(this.spec.paths), components: toJsonSchema(this.spec.components) }, 'gh');
    this.templates = Object.keys(this.spec.paths)
      .map((template) => ({
        template,
        // `{path}` of the contents API spans slashes; every other parameter is one segment.
        pattern: new RegExp(`^${template.replace(/\/\{path\}/g, '\u0000').replace(/\{[^{}]+\}/g, '[^/]+').replaceAll('\u0000', '(?:/.*)?')}$`),
        params: (template.match(/\{/g) ?? []).length,
      }))
      .sort((a, b) => a.params - b.params);
  }

  /** The problems of one answer, empty when it matches the description (operation, status, body). */
  problems(method: string, path: string, status: number, body: unknown): string[] {
    const found = this.templates.find((t) => t.pattern.test(path) && this.spec.paths[t.template]![method.toLowerCase()]);
    if (!found) return [`${method} ${path}: no such operation in GitHub's API`];
    const operation = this.spec.paths[found.template]![method.toLowerCase()]!;
    let pointer = ['paths', found.template, method.toLowerCase(), 'responses', String(status)];
    let response = operation.responses[String(status)];
    // Statuses every operation may answer (401, 429) are described once, as GitHub's basic error.
    if (!response) {
      if (status === 401 || status === 429 || status === 403) return this.check('gh#/components/schemas/basic-error', body, `${method} ${found.template} ${status}`);
      return [`${method} ${found.template}: GitHub does not answer ${status}`];
    }
    if (response.$ref) {
      const name = response.$ref.split('/').pop()!;
      response = this.spec.components.responses[name]!;
      pointer = ['components', 'responses', name];
    }
    // A diff (`Accept: application/vnd.github.diff`) is text; GitHub's description names the media types it serves in prose.
    if (typeof body === 'string') return operation.description?.includes('application/vnd.github.diff') ? [] : [`${method} ${found.template} ${status}: text where GitHub sends JSON`];
    if (!response.content?.['application/json']) return [];
    const ref = `gh#/${[...pointer, 'content', 'application/json', 'schema'].map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;
    return this.check(ref, body, `${method} ${found.template} ${status}`);
  }

  private check(ref: string, body: unknown, what: string): string[] {
    const validate = this.ajv.getSchema(ref) as ValidateFunction | undefined;
    if (!validate) return [`${what}: no schema at ${ref}`];
    if (validate(body)) return [];
    return (validate.errors ?? []).slice(0, 5).map((e) => `${what}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
}

function toJsonSchema<T>(node: T): T {
  if (Array.isArray(node)) return node.map(toJsonSchema) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = toJsonSchema(value);
  if ('nullable' in out) {
    const nullable = out['nullable'];
    delete out['nullable'];
    if (nullable === true) {
      if (typeof out['type'] !== 'string') return { anyOf: [out, { type: 'null' }] } as T;
      out['type'] = [out['type'], 'null'];
      if (Array.isArray(out['enum'])) out['enum'] = [...(out['enum'] as unknown[]), null];
    }
  }
  return out as T;
}
