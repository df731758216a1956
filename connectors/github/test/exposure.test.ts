import { ConnectorConfigError } from '@mcp-hub/connector-kit';
import { startGithub } from './github-testbed';

const READ = ['get_me', 'search_repositories', 'get_repository', 'list_branches', 'list_commits', 'get_file_contents', 'list_issues', 'search_issues', 'get_issue', 'list_labels', 'list_pull_requests', 'get_pull_request'];
const WRITE = ['create_or_update_file', 'create_branch', 'create_issue', 'update_issue', 'add_issue_comment', 'create_pull_request', 'add_pull_request_review_comment', 'merge_pull_request'];

describe('github tool exposure', () => {
  it('is read-only by default: no write tool in the manifest, and a write call finds no one to answer', async () => {
    const bed = await startGithub();
    try {
      expect(bed.built.connector.manifest.tools.map((t) => t.name).sort()).toEqual([...READ].sort());
      await expect(bed.harness.callTool('create_issue', { owner: 'acme', repo: 'app', title: 'x' }, { timeoutMs: 1000 })).rejects.toMatchObject({ kind: 'no_responders' });
      expect(bed.fake.requests).toHaveLength(0);
    } finally {
      await bed.stop();
    }
  });

  it('offers every tool in write mode, with honest annotations: merges and pushes are destructive', async () => {
    const bed = await startGithub({ writeMode: true });
    try {
      const tools = new Map(bed.built.connector.manifest.tools.map((t) => [t.name, t]));
      expect([...tools.keys()].sort()).toEqual([...READ, ...WRITE].sort());
      for (const name of READ) expect(tools.get(name)!.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, openWorldHint: true });
      for (const name of WRITE) {
        expect(tools.get(name)!.annotations.readOnlyHint).toBe(false);
        expect(Object.keys(tools.get(name)!.inputSchema['properties'] as object)).toContain('idempotency_key');
      }
      expect(tools.get('merge_pull_request')!.annotations.destructiveHint).toBe(true);
      expect(tools.get('create_or_update_file')!.annotations.destructiveHint).toBe(true);
      expect(tools.get('add_issue_comment')!.annotations.destructiveHint).toBe(false);
    } finally {
      await bed.stop();
    }
  });

  it('keeps only the configured toolsets, and deny wins over allow', async () => {
    const bed = await startGithub({ writeMode: true, toolsets: ['issues'], tools: { allow: ['get_issue', 'update_issue'], deny: ['update_issue'] } });
    try {
      expect(bed.built.connector.manifest.tools.map((t) => t.name)).toEqual(['get_issue']);
    } finally {
      await bed.stop();
    }
  });

  it('fails start-up on an unknown toolset, a missing allowlist or missing credentials', async () => {
    await expect(startGithub({ toolsets: ['issues', 'gists'] })).rejects.toThrow(/no toolset "gists"/);
    await expect(startGithub({ repositories: [] })).rejects.toThrow(ConnectorConfigError);
    await expect(startGithub({ repositories: ['acme/../x'] })).rejects.toThrow(/owner\/repo or owner\/\*/);
    await expect(startGithub({ auth: undefined })).rejects.toThrow(/set GITHUB_TOKEN/);
  });
});
