import { z } from 'zod';
import { cleanUntrustedText, fenceUntrusted } from '@mcp-hub/connector-kit';
import { labelName, type GithubComment, type GithubIssue } from './github-schemas';
import { issueUri, textSource } from './github-uris';
import { UntrustedTextSchema, untrustedText } from './untrusted-body';

/** Label names are chosen by repository maintainers, but of a public repository's labels nothing is known: cleaned, cut. */
export function cleanLabel(name: string): string {
  return cleanUntrustedText(name, { maxChars: 100 });
}

export const IssueSummarySchema = z.object({
  repository: z.string().describe('owner/repo'),
  number: z.number().int(),
  title: UntrustedTextSchema,
  state: z.string(),
  state_reason: z.string().nullable(),
  author: z.string().nullable(),
  labels: z.array(z.string()),
  assignees: z.array(z.string()),
  comments: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullable(),
  is_pull_request: z.boolean(),
  url: z.string(),
  uri: z.string().describe('The issue as a resource of this connector.'),
});
export type IssueSummary = z.infer<typeof IssueSummarySchema>;

export const IssueDetailSchema = IssueSummarySchema.extend({
  body: UntrustedTextSchema,
  milestone: z.object({ number: z.number().int(), title: z.string() }).nullable(),
});
export type IssueDetail = z.infer<typeof IssueDetailSchema>;

export const CommentViewSchema = z.object({ id: z.number().int(), author: z.string().nullable(), created_at: z.string(), url: z.string(), body: UntrustedTextSchema });
export type CommentView = z.infer<typeof CommentViewSchema>;

/** `owner/repo` of an issue from its `repository_url` (`…/repos/owner/repo`), as search results carry no other. */
export function repositoryOf(issue: GithubIssue): { owner: string; repo: string } {
  const parts = issue.repository_url.split('/');
  return { owner: parts.at(-2) ?? '', repo: parts.at(-1) ?? '' };
}

export function toIssueSummary(issue: GithubIssue, maxChars: number): IssueSummary {
  const { owner, repo } = repositoryOf(issue);
  const kind = issue.pull_request === undefined ? 'issue' : 'pull';
  return {
    repository: `${owner}/${repo}`,
    number: issue.number,
    title: untrustedText(textSource(owner, repo, kind, issue.number), issue.title, Math.min(maxChars, 1024)),
    state: issue.state,
    state_reason: issue.state_reason ?? null,
    author: issue.user?.login ?? null,
    labels: issue.labels.map((l) => cleanLabel(labelName(l))),
    assignees: (issue.assignees ?? []).map((a) => a.login),
    comments: issue.comments,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at ?? null,
    is_pull_request: issue.pull_request !== undefined,
    url: issue.html_url,
    uri: issueUri(owner, repo, issue.number),
  };
}

export function toIssueDetail(issue: GithubIssue, maxChars: number): IssueDetail {
  const { owner, repo } = repositoryOf(issue);
  return {
    ...toIssueSummary(issue, maxChars),
    body: untrustedText(textSource(owner, repo, issue.pull_request === undefined ? 'issue' : 'pull', issue.number), issue.body, maxChars),
    milestone: issue.milestone ? { number: issue.milestone.number, title: cleanUntrustedText(issue.milestone.title, { maxChars: 200 }) } : null,
  };
}

export function toCommentView(comment: GithubComment, owner: string, repo: string, number: number, maxChars: number): CommentView {
  return {
    id: comment.id,
    author: comment.user?.login ?? null,
    created_at: comment.created_at,
    url: comment.html_url,
    body: untrustedText(textSource(owner, repo, 'issue', number, comment.id), comment.body, maxChars),
  };
}

/** One line per issue for the text form; the title is fenced, as it is third-party text. */
export function issueLine(issue: IssueSummary): string {
  const labels = issue.labels.length ? ` [${issue.labels.join(', ')}]` : '';
  return `${issue.repository}#${issue.number} (${issue.state}${issue.state_reason ? `: ${issue.state_reason}` : ''})${labels} by ${issue.author ?? 'ghost'}, ${issue.comments} comments\n${fenceUntrusted(issue.title.source, issue.title.text)}`;
}

/** An issue with its body and comments for the text form, each third-party text fenced. */
export function issueTranscript(issue: IssueDetail, comments: CommentView[]): string {
  const lines = [issueLine(issue), `Body:\n${fenceUntrusted(issue.body.source, issue.body.text)}`];
  for (const c of comments) lines.push(`Comment ${c.id} by ${c.author ?? 'ghost'} at ${c.created_at}:\n${fenceUntrusted(c.body.source, c.body.text)}`);
  return lines.join('\n\n');
}
