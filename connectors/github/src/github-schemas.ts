import { z } from 'zod';

/**
 * The parts of GitHub's REST answers the tools read, checked on arrival (loose: GitHub adds
 * fields often). A body that does not fit fails as `upstream`, never as a crash in a handler.
 */
const Login = z.looseObject({ login: z.string() });
const Label = z.union([z.string(), z.looseObject({ name: z.string() })]);

export const UserSchema = z.looseObject({ login: z.string(), name: z.string().nullish(), html_url: z.string(), type: z.string().optional() });

export const IssueSchema = z.looseObject({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullish(),
  state: z.string(),
  state_reason: z.string().nullish(),
  user: Login.nullable(),
  labels: z.array(Label),
  assignees: z.array(Login).nullish(),
  milestone: z.looseObject({ number: z.number(), title: z.string() }).nullish(),
  comments: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullish(),
  html_url: z.string(),
  repository_url: z.string(),
  pull_request: z.unknown().optional(),
});
export type GithubIssue = z.infer<typeof IssueSchema>;

export const CommentSchema = z.looseObject({ id: z.number().int(), body: z.string().nullish(), user: Login.nullable(), created_at: z.string(), html_url: z.string() });
export type GithubComment = z.infer<typeof CommentSchema>;

export const RepositorySchema = z.looseObject({
  full_name: z.string(),
  private: z.boolean(),
  description: z.string().nullish(),
  default_branch: z.string().optional(),
  html_url: z.string(),
  stargazers_count: z.number().int().optional(),
  open_issues_count: z.number().int().optional(),
  archived: z.boolean().optional(),
  language: z.string().nullish(),
});
export type GithubRepository = z.infer<typeof RepositorySchema>;

export const BranchSchema = z.looseObject({ name: z.string(), commit: z.looseObject({ sha: z.string() }), protected: z.boolean().optional() });

export const CommitSchema = z.looseObject({
  sha: z.string(),
  html_url: z.string(),
  commit: z.looseObject({ message: z.string(), author: z.looseObject({ name: z.string().optional(), date: z.string().optional() }).nullable() }),
  author: Login.nullable(),
});

export const PullRequestSchema = z.looseObject({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullish(),
  state: z.string(),
  draft: z.boolean().optional(),
  merged: z.boolean().optional(),
  mergeable: z.boolean().nullish(),
  user: Login.nullable(),
  head: z.looseObject({ ref: z.string(), sha: z.string() }),
  base: z.looseObject({ ref: z.string() }),
  html_url: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  additions: z.number().int().optional(),
  deletions: z.number().int().optional(),
  changed_files: z.number().int().optional(),
});
export type GithubPullRequest = z.infer<typeof PullRequestSchema>;

export const PullFileSchema = z.looseObject({ filename: z.string(), status: z.string(), additions: z.number().int(), deletions: z.number().int() });
export const ReviewSchema = z.looseObject({ id: z.number().int(), user: Login.nullable(), state: z.string(), body: z.string().nullish(), submitted_at: z.string().nullish() });
export const CombinedStatusSchema = z.looseObject({
  state: z.string(),
  statuses: z.array(z.looseObject({ context: z.string(), state: z.string(), description: z.string().nullish() })),
});

const ContentEntrySchema = z.looseObject({ type: z.string(), name: z.string(), path: z.string(), size: z.number().int(), sha: z.string() });
export const FileContentSchema = ContentEntrySchema.extend({ type: z.literal('file'), encoding: z.string().optional(), content: z.string().optional(), html_url: z.string().nullish() });
export const ContentsSchema = z.union([z.array(ContentEntrySchema), FileContentSchema, ContentEntrySchema]);

export const LabelSchema = z.looseObject({ name: z.string(), color: z.string().optional(), description: z.string().nullish() });

export function searchResultsOf<T extends z.ZodType>(item: T) {
  return z.looseObject({ total_count: z.number().int(), incomplete_results: z.boolean().optional(), items: z.array(item) });
}

export function labelName(label: z.infer<typeof Label>): string {
  return typeof label === 'string' ? label : label.name;
}
