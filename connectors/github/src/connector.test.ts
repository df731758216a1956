import { ToolExposureSchema, exposeTools } from '@mcp-hub/connector-kit';
import { githubConnector } from './connector';

describe('github connector', () => {
  it('groups its tools in the toolsets configuration names', () => {
    expect(Object.fromEntries(githubConnector.toolsets)).toEqual({
      context: ['get_me'],
      repos: ['search_repositories', 'get_repository', 'list_branches', 'list_commits', 'get_file_contents', 'create_or_update_file', 'create_branch'],
      issues: ['list_issues', 'search_issues', 'get_issue', 'create_issue', 'update_issue', 'add_issue_comment', 'list_labels'],
      pull_requests: ['list_pull_requests', 'get_pull_request', 'create_pull_request', 'add_pull_request_review_comment', 'merge_pull_request'],
    });
    expect(githubConnector.manifest.resourceTemplates.map((r) => r.uriTemplate)).toEqual(['github://{owner}/{repo}/contents/{path}', 'github://{owner}/{repo}/issues/{number}']);
    expect(githubConnector.manifest.prompts.map((p) => p.name)).toEqual(['triage_issue', 'summarize_pull_request', 'draft_release_notes']);
  });

  it('keeps its published contract unless the snapshot is deliberately updated', () => {
    expect(exposeTools(githubConnector, ToolExposureSchema.parse({ writeMode: true })).manifest).toMatchSnapshot({ contractVersion: expect.any(String) });
  });
});
