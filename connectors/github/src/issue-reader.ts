import { z } from 'zod';
import type { HandlerContext } from '@mcp-hub/connector-kit';
import type { GithubDeps } from './github-deps';
import { CommentSchema, IssueSchema } from './github-schemas';
import { issueTranscript, toCommentView, toIssueDetail, type CommentView, type IssueDetail } from './issue-view';
import { parseGithub } from './parse-github';

/** Comments a resource or prompt embeds: one page, the first. */
export const EMBEDDED_COMMENTS = 30;

/** An issue and its first comments, checked against the allowlist, for the resource and the prompts. */
export async function readIssue(ctx: HandlerContext, deps: GithubDeps, owner: string, repo: string, number: number): Promise<{ issue: IssueDetail; comments: CommentView[]; transcript: string }> {
  deps.allowlist.check(owner, repo);
  const target = { owner, repo, issue_number: number };
  const [issueResponse, commentsResponse] = await Promise.all([
    deps.github.request(ctx, 'GET /repos/{owner}/{repo}/issues/{issue_number}', target),
    deps.github.request(ctx, 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...target, per_page: EMBEDDED_COMMENTS }),
  ]);
  const issue = toIssueDetail(parseGithub(IssueSchema, issueResponse.data, 'the issue'), deps.limits.maxBodyChars);
  const comments = parseGithub(z.array(CommentSchema), commentsResponse.data, 'the comments').map((c) => toCommentView(c, owner, repo, number, deps.limits.maxBodyChars));
  return { issue, comments, transcript: issueTranscript(issue, comments) };
}
