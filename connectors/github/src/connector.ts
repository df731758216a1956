import { defineConnector, type ConnectorDefinition } from '@mcp-hub/connector-kit';
import { GITHUB_ID } from './client-name';
import type { GithubDeps } from './github-deps';
import { draftReleaseNotesPrompt } from './prompts/draft-release-notes';
import { summarizePullRequestPrompt } from './prompts/summarize-pull-request';
import { triageIssuePrompt } from './prompts/triage-issue';
import { contentsResource } from './resources/contents-resource';
import { issueResource } from './resources/issue-resource';
import { addIssueCommentTool } from './tools/add-issue-comment';
import { addPullRequestReviewCommentTool } from './tools/add-pull-request-review-comment';
import { createBranchTool } from './tools/create-branch';
import { createIssueTool } from './tools/create-issue';
import { createOrUpdateFileTool } from './tools/create-or-update-file';
import { createPullRequestTool } from './tools/create-pull-request';
import { getFileContentsTool } from './tools/get-file-contents';
import { getIssueTool } from './tools/get-issue';
import { getMeTool } from './tools/get-me';
import { getPullRequestTool } from './tools/get-pull-request';
import { getRepositoryTool } from './tools/get-repository';
import { listBranchesTool } from './tools/list-branches';
import { listCommitsTool } from './tools/list-commits';
import { listIssuesTool } from './tools/list-issues';
import { listLabelsTool } from './tools/list-labels';
import { listPullRequestsTool } from './tools/list-pull-requests';
import { mergePullRequestTool } from './tools/merge-pull-request';
import { searchIssuesTool } from './tools/search-issues';
import { searchRepositoriesTool } from './tools/search-repositories';
import { updateIssueTool } from './tools/update-issue';

/**
 * The GitHub connector: its tools by toolset, resources and prompts — the table of contents.
 * Which tools a deployment offers (write mode, toolsets, allow, deny) is the kit's business;
 * which repositories they reach is the allowlist's (`repositories`).
 */
export const githubConnector: ConnectorDefinition<GithubDeps> = defineConnector<GithubDeps>({
  id: GITHUB_ID,
  version: '0.1.0',
  title: 'GitHub',
  description: 'GitHub issues, pull requests and repositories of an allowlist: search, read, and in write mode comment, label, close, branch, commit and merge.',
  toolsets: {
    context: [getMeTool],
    repos: [searchRepositoriesTool, getRepositoryTool, listBranchesTool, listCommitsTool, getFileContentsTool, createOrUpdateFileTool, createBranchTool],
    issues: [listIssuesTool, searchIssuesTool, getIssueTool, createIssueTool, updateIssueTool, addIssueCommentTool, listLabelsTool],
    pull_requests: [listPullRequestsTool, getPullRequestTool, createPullRequestTool, addPullRequestReviewCommentTool, mergePullRequestTool],
  },
  resourceTemplates: [contentsResource, issueResource],
  prompts: [triageIssuePrompt, summarizePullRequestPrompt, draftReleaseNotesPrompt],
});
