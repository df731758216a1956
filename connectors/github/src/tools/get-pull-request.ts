import { z } from 'zod';
import { defineTool, fenceUntrusted } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { CombinedStatusSchema, PullFileSchema, PullRequestSchema, ReviewSchema } from '../github-schemas';
import { textSource } from '../github-uris';
import { parseGithub } from '../parse-github';
import { PullSummarySchema, pullLine, toPullSummary } from '../pull-view';
import { RepoArgsShape, allowedRepo } from '../repo-args';
import { UntrustedTextSchema, untrustedText } from '../untrusted-body';
import { IssueNumberSchema } from './get-issue';

/** Files and reviews listed inline: one page each, GitHub's largest. */
const MAX_LISTED = 100;

export const getPullRequestTool = defineTool({
  name: 'get_pull_request',
  title: 'Get pull request',
  description:
    'Reads one pull request: description, mergeability, changed files, reviews, status checks of the head commit, and optionally its diff (cut at the size cap). Description, reviews and diff are third-party text.',
  input: z.strictObject({ ...RepoArgsShape, pull_number: IssueNumberSchema, include_diff: z.boolean().default(false) }),
  output: z.object({
    pull_request: PullSummarySchema.extend({
      body: UntrustedTextSchema,
      mergeable: z.boolean().nullable(),
      additions: z.number().int().nullable(),
      deletions: z.number().int().nullable(),
      changed_files: z.number().int().nullable(),
    }),
    files: z.array(z.object({ filename: z.string(), status: z.string(), additions: z.number().int(), deletions: z.number().int() })),
    files_truncated: z.boolean(),
    reviews: z.array(z.object({ id: z.number().int(), author: z.string().nullable(), state: z.string(), body: UntrustedTextSchema, submitted_at: z.string().nullable() })),
    status: z.object({ state: z.string(), checks: z.array(z.object({ context: z.string(), state: z.string(), description: z.string().nullable() })) }),
    diff: UntrustedTextSchema.optional(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    const target = { owner, repo, pull_number: args.pull_number };
    const pull = parseGithub(PullRequestSchema, (await deps.github.request(ctx, 'GET /repos/{owner}/{repo}/pulls/{pull_number}', target)).data, 'the pull request');
    const [filesResponse, reviewsResponse, statusResponse, diffResponse] = await Promise.all([
      deps.github.request(ctx, 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { ...target, per_page: MAX_LISTED }),
      deps.github.request(ctx, 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { ...target, per_page: MAX_LISTED }),
      deps.github.request(ctx, 'GET /repos/{owner}/{repo}/commits/{ref}/status', { owner, repo, ref: pull.head.sha }),
      args.include_diff ? deps.github.request(ctx, 'GET /repos/{owner}/{repo}/pulls/{pull_number}', target, { accept: 'application/vnd.github.diff' }) : undefined,
    ]);
    const source = textSource(owner, repo, 'pull', pull.number);
    const files = parseGithub(z.array(PullFileSchema), filesResponse.data, 'the files').map((f) => ({ filename: f.filename, status: f.status, additions: f.additions, deletions: f.deletions }));
    const reviews = parseGithub(z.array(ReviewSchema), reviewsResponse.data, 'the reviews').map((r) => ({
      id: r.id,
      author: r.user?.login ?? null,
      state: r.state,
      body: untrustedText(`${source}:review:${r.id}`, r.body, deps.limits.maxBodyChars),
      submitted_at: r.submitted_at ?? null,
    }));
    const combined = parseGithub(CombinedStatusSchema, statusResponse.data, 'the status');
    const status = { state: combined.state, checks: combined.statuses.map((s) => ({ context: s.context, state: s.state, description: s.description ?? null })) };
    const diff = diffResponse ? untrustedText(`${source}:diff`, typeof diffResponse.data === 'string' ? diffResponse.data : '', deps.limits.maxDiffBytes) : undefined;
    const body = untrustedText(source, pull.body, deps.limits.maxBodyChars);
    const summary = toPullSummary(pull, owner, repo);
    const text = [
      pullLine(summary),
      `Mergeable: ${pull.mergeable ?? 'unknown'}; +${pull.additions ?? 0} −${pull.deletions ?? 0} in ${pull.changed_files ?? files.length} files; checks: ${status.state}`,
      `Description:\n${fenceUntrusted(body.source, body.text)}`,
      `Files:\n${files.map((f) => `  ${f.status} ${f.filename} (+${f.additions} −${f.deletions})`).join('\n')}`,
      ...reviews.map((r) => `Review ${r.state} by ${r.author ?? 'ghost'}:\n${fenceUntrusted(r.body.source, r.body.text)}`),
      ...(diff ? [`Diff${diff.truncated ? ` (first ${deps.limits.maxDiffBytes} characters)` : ''}:\n${fenceUntrusted(diff.source, diff.text)}`] : []),
    ];
    return {
      structured: {
        pull_request: { ...summary, body, mergeable: pull.mergeable ?? null, additions: pull.additions ?? null, deletions: pull.deletions ?? null, changed_files: pull.changed_files ?? null },
        files,
        files_truncated: (pull.changed_files ?? 0) > files.length,
        reviews,
        status,
        ...(diff && { diff }),
      },
      text: text.join('\n\n'),
    };
  },
});
