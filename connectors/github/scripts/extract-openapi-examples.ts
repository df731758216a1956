/**
 * Writes src/testing/openapi-examples.json: the example answers of GitHub's official OpenAPI
 * description (`@octokit/openapi`) for the endpoints the fake GitHub serves and for which
 * `@octokit/fixtures` has no recorded answer. The fake starts each answer from these, and the
 * tests check every answer it gives against the same description.
 *
 * Run: npx tsx connectors/github/scripts/extract-openapi-examples.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const WANTED: Record<string, [path: string, method: string, status: number]> = {
  authenticatedUser: ['/user', 'get', 200],
  issueComment: ['/repos/{owner}/{repo}/issues/{issue_number}/comments', 'post', 201],
  pullRequest: ['/repos/{owner}/{repo}/pulls/{pull_number}', 'get', 200],
  pullRequestSimpleItems: ['/repos/{owner}/{repo}/pulls', 'get', 200],
  shortBranchItems: ['/repos/{owner}/{repo}/branches', 'get', 200],
  branch: ['/repos/{owner}/{repo}/branches/{branch}', 'get', 200],
  commitItems: ['/repos/{owner}/{repo}/commits', 'get', 200],
  combinedStatus: ['/repos/{owner}/{repo}/commits/{ref}/status', 'get', 200],
  reviewItems: ['/repos/{owner}/{repo}/pulls/{pull_number}/reviews', 'get', 200],
  diffEntryItems: ['/repos/{owner}/{repo}/pulls/{pull_number}/files', 'get', 200],
  reviewComment: ['/repos/{owner}/{repo}/pulls/{pull_number}/comments', 'post', 201],
  mergeResult: ['/repos/{owner}/{repo}/pulls/{pull_number}/merge', 'put', 200],
  installationToken: ['/app/installations/{installation_id}/access_tokens', 'post', 201],
  repoSearch: ['/search/repositories', 'get', 200],
};

interface Spec {
  paths: Record<string, Record<string, { responses: Record<string, Response> }>>;
  components: { responses: Record<string, Response>; examples: Record<string, { value: unknown }> };
}
interface Response {
  $ref?: string;
  content?: Record<string, { examples?: Record<string, { $ref?: string; value?: unknown }> }>;
}

const spec = JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as Spec;
const examples: Record<string, unknown> = {};
for (const [name, [route, method, status]] of Object.entries(WANTED)) {
  let response = spec.paths[route]![method]!.responses[String(status)]!;
  if (response.$ref) response = spec.components.responses[response.$ref.split('/').pop()!]!;
  const example = Object.values(response.content!['application/json']!.examples!)[0]!;
  examples[name] = example.$ref ? spec.components.examples[example.$ref.split('/').pop()!]!.value : example.value;
}
writeFileSync(path.join(__dirname, '../src/testing/openapi-examples.json'), `${JSON.stringify(examples, null, 1)}\n`);
