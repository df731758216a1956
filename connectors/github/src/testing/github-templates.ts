import { readFileSync } from 'node:fs';
import examples from './openapi-examples.json';

/**
 * Real GitHub answers the fake starts from: recorded ones from `@octokit/fixtures` where it has
 * the endpoint, otherwise the examples of GitHub's OpenAPI description (`openapi-examples.json`,
 * written by scripts/extract-openapi-examples.ts). The fake copies one and sets its own fields,
 * so every field GitHub sends is there, with GitHub's types.
 */
type Json = Record<string, unknown>;

function recorded(scenario: string, index: number): unknown {
  const file = require.resolve(`@octokit/fixtures/scenarios/api.github.com/${scenario}/normalized-fixture.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as Array<{ response: unknown }>)[index]!.response;
}

let loaded: ReturnType<typeof load> | undefined;

function load() {
  const issues = recorded('paginate-issues', 0) as Json[];
  return {
    issue: issues[0]!,
    repository: recorded('get-repository', 0) as Json,
    label: (recorded('labels', 0) as Json[])[0]!,
    fileCommit: recorded('create-file', 0) as Json,
    ref: recorded('git-refs', 1) as Json,
    validationFailed: recorded('errors', 0) as Json,
    issueSearch: recorded('search-issues', 0) as Json,
    ...(examples as unknown as Record<keyof typeof examples, Json & Json[]>),
  };
}

/** A deep copy of template `name`, with `overrides` applied on top. */
export function fromTemplate(name: keyof ReturnType<typeof load>, overrides: Json = {}): Json {
  loaded ??= load();
  return { ...structuredClone(loaded[name] as Json), ...overrides };
}

/** A deep copy of the first item of list template `name`, with `overrides` applied on top. */
export function fromListTemplate(name: keyof ReturnType<typeof load>, overrides: Json = {}): Json {
  loaded ??= load();
  return { ...structuredClone((loaded[name] as unknown as Json[])[0]!), ...overrides };
}
