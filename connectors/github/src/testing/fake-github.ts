import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromListTemplate, fromTemplate } from './github-templates';

/** An issue (or pull request conversation) as the fake keeps it. */
export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  assignees: string[];
  user: string;
  comments: Array<{ id: number; body: string; user: string; created_at: string }>;
  pull?: { head: string; base: string; head_sha: string; merged: boolean; files: Array<{ filename: string; status: string; additions: number; deletions: number; patch?: string }> };
}

export interface FakeRepo {
  owner: string;
  name: string;
  private: boolean;
  description: string | null;
  default_branch: string;
  labels: string[];
  branches: Record<string, string>;
  files: Record<string, string | Buffer>;
  issues: FakeIssue[];
}

/** A scripted answer the fake gives instead of the real one (errors, rate limits). */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** An answer the fake sent, kept so that tests can check it against GitHub's OpenAPI description. */
export interface SentResponse {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}

const DOCS = 'https://docs.github.com/rest';

/** A token shaped like a personal access token, for tests (the redactor knows the shape). */
export const TEST_TOKEN = 'ghp_testtoken0123456789abcdefghijklmnop';

/** The fields of the JSON request bodies the fake reads. */
interface RequestBody {
  title?: string;
  body?: string;
  labels?: string[];
  assignees?: string[];
  state_reason?: string;
  ref?: string;
  sha?: string;
  head?: string;
  base?: string;
  commit_id?: string;
  path?: string;
  line?: number;
  content?: string;
}
const SHA = (seed: string) => Buffer.from(seed.padEnd(20, '.')).subarray(0, 20).toString('hex');
const TIME = '2026-11-30T10:00:00Z';

/**
 * A local stand-in for the GitHub REST API, speaking its wire format for the endpoints the
 * connector uses: JSON bodies shaped like GitHub's, `Link` headers for paging (`page`,
 * `per_page`), `X-RateLimit-*` headers on every answer, GitHub's 401/403/404/422 error bodies,
 * installation tokens for a GitHub App. Tests script failures with {@link failNext}.
 */
export class FakeGithub {
  readonly repos = new Map<string, FakeRepo>();
  readonly requests: SeenRequest[] = [];
  readonly responses: SentResponse[] = [];
  /** Bearer tokens the fake accepts; an App's installation tokens are added as they are issued. */
  readonly tokens = new Set<string>();
  private readonly scripted: Array<{ match: (method: string, path: string) => boolean; answer: ScriptedAnswer }> = [];
  private server?: Server;
  private nextCommentId = 1000;
  private issuedTokens = 0;
  url = '';
  /** How long the fake waits before answering each request, ms: a benchmark gives it GitHub's latency. */
  latencyMs = 0;
  user = { login: 'octo-bot', name: 'Octo Bot', type: 'Bot' };

  constructor(token: string) {
    this.tokens.add(token);
  }

  addRepo(repo: Partial<FakeRepo> & { owner: string; name: string }): FakeRepo {
    const full: FakeRepo = { private: false, description: null, default_branch: 'main', labels: ['bug', 'enhancement', 'question'], branches: { main: SHA('main') }, files: {}, issues: [], ...repo };
    this.repos.set(`${repo.owner}/${repo.name}`.toLowerCase(), full);
    return full;
  }

  /** The next `times` requests matching `method` and `pathPrefix` get `answer`. */
  failNext(method: string, pathPrefix: string, answer: ScriptedAnswer, times = 1): void {
    for (let i = 0; i < times; i++) this.scripted.push({ match: (m, p) => m === method && p.startsWith(pathPrefix), answer });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const send = (status: number, body: unknown, headers?: Record<string, string>) => {
      this.responses.push({ method, path: url.pathname, status, body });
      sendAnswer(res, status, body, headers);
    };
    const raw = await readBody(req);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const body = (raw ? JSON.parse(raw) : {}) as RequestBody;
    const authorization = req.headers.authorization;
    this.requests.push({ method, path: url.pathname, query: url.searchParams, authorization, body });
    const scripted = this.scripted.findIndex((s) => s.match(method, url.pathname));
    if (scripted >= 0) {
      const { answer } = this.scripted.splice(scripted, 1)[0]!;
      return send(answer.status, answer.body ?? { message: 'scripted', documentation_url: DOCS }, answer.headers);
    }
    const token = /^(?:token|bearer) (.+)$/i.exec(authorization ?? '')?.[1];
    const appJwt = url.pathname.startsWith('/app/');
    if (!appJwt && (token === undefined || !this.tokens.has(token))) return send(401, { message: 'Bad credentials', documentation_url: DOCS });
    try {
      const answer = this.route(method, url, body, req.headers.accept ?? '', token ?? '');
      if (answer === undefined) return send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
      if (typeof answer.body === 'string') return send(answer.status, answer.body, { 'content-type': 'application/vnd.github.diff; charset=utf-8' });
      return send(answer.status, answer.body, answer.link ? { link: answer.link } : {});
    } catch (error) {
      if (error instanceof Unprocessable) return send(422, fromTemplate('validationFailed', { errors: [{ resource: error.resource, code: 'invalid', field: error.field }] }));
      return send(500, { message: String(error) });
    }
  }

  private route(method: string, url: URL, body: RequestBody, accept: string, token: string): { status: number; body: unknown; link?: string } | undefined {
    const path = url.pathname;
    const page = (items: unknown[]) => this.page(url, items);
    if (method === 'GET' && path === '/user') return { status: 200, body: fromTemplate('authenticatedUser', { ...userJson(this.user.login), name: this.user.name, type: this.user.type }) };
    const installation = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (method === 'POST' && installation) {
      if (!/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(`Bearer ${token}`)) return { status: 401, body: { message: 'A JSON web token could not be decoded', documentation_url: DOCS } };
      const issued = `ghs_${'x'.repeat(30)}${++this.issuedTokens}`;
      this.tokens.add(issued);
      return { status: 201, body: fromTemplate('installationToken', { token: issued, expires_at: new Date(Date.now() + 3600_000).toISOString() }) };
    }
    if (method === 'GET' && path === '/search/issues') return this.search(url, 'issues');
    if (method === 'GET' && path === '/search/repositories') return this.search(url, 'repositories');
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) return undefined;
    const repo = this.repos.get(`${m[1]}/${m[2]}`.toLowerCase());
    if (!repo) return undefined;
    const rest = m[3] ?? '';
    const full = `${repo.owner}/${repo.name}`;
    if (method === 'GET' && rest === '') return { status: 200, body: repoJson(repo) };
    if (method === 'GET' && rest === '/branches') return page(Object.entries(repo.branches).map(([name, sha]) => fromListTemplate('shortBranchItems', { name, commit: { sha, url: `${API}/repos/${full}/commits/${sha}` }, protected: name === repo.default_branch, protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } } })));
    const branch = /^\/branches\/(.+)$/.exec(rest);
    if (method === 'GET' && branch) {
      const sha = repo.branches[decodeURIComponent(branch[1]!)];
      if (!sha) return undefined;
      const template = fromTemplate('branch');
      return { status: 200, body: { ...template, name: decodeURIComponent(branch[1]!), commit: { ...(template['commit'] as object), sha }, protected: false } };
    }
    if (method === 'POST' && rest === '/git/refs') {
      const name = String(body.ref).replace(/^refs\/heads\//, '');
      if (repo.branches[name]) throw new Unprocessable('Reference', 'ref');
      if (!body.sha) throw new Unprocessable('Reference', 'sha');
      repo.branches[name] = body.sha;
      return { status: 201, body: fromTemplate('ref', { ref: body.ref, url: `${API}/repos/${full}/git/${body.ref}`, object: { sha: body.sha, type: 'commit', url: `${API}/repos/${full}/git/commits/${body.sha}` } }) };
    }
    if (method === 'GET' && rest === '/commits') {
      return page(
        Object.keys(repo.files).map((file, i) => {
          const template = fromListTemplate('commitItems');
          const sha = SHA(`c${i}${file}`);
          return { ...template, sha, html_url: `https://github.com/${full}/commit/${sha}`, commit: { ...(template['commit'] as object), message: `Add ${file}` }, author: userJson('octocat') };
        }),
      );
    }
    const status = /^\/commits\/([^/]+)\/status$/.exec(rest);
    if (method === 'GET' && status) {
      const template = fromTemplate('combinedStatus');
      const check = { ...(template['statuses'] as object[])[0], context: 'ci/test', state: 'success', description: 'All tests passed' };
      return { status: 200, body: { ...template, state: 'success', sha: status[1], total_count: 1, statuses: [check], repository: { ...(template['repository'] as object), full_name: full } } };
    }
    const contents = /^\/contents(?:\/(.*))?$/.exec(rest);
    if (contents) return this.contents(method, repo, decodeURIComponent(contents[1] ?? ''), body);
    if (method === 'GET' && rest === '/labels') return page(repo.labels.map((name) => labelJson(full, name)));
    if (method === 'GET' && rest === '/issues') {
      const state = url.searchParams.get('state') ?? 'open';
      const labels = url.searchParams.get('labels')?.split(',') ?? [];
      const issues = repo.issues.filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)));
      return page([...issues].reverse().map((i) => issueJson(repo, i)));
    }
    if (method === 'POST' && rest === '/issues') {
      if (!body.title) throw new Unprocessable('Issue', 'title');
      const issue: FakeIssue = { number: repo.issues.length + 1, title: body.title, body: body.body ?? '', state: 'open', state_reason: null, labels: body.labels ?? [], assignees: body.assignees ?? [], user: this.user.login, comments: [] };
      repo.issues.push(issue);
      return { status: 201, body: issueJson(repo, issue) };
    }
    if (method === 'GET' && rest === '/pulls') {
      const state = url.searchParams.get('state') ?? 'open';
      return page(repo.issues.filter((i) => i.pull && (state === 'all' || i.state === state)).reverse().map((i) => pullJson(repo, i, true)));
    }
    if (method === 'POST' && rest === '/pulls') {
      const headSha = repo.branches[body.head ?? ''];
      if (!body.title || !body.head || !body.base || !headSha || !repo.branches[body.base]) throw new Unprocessable('PullRequest', headSha ? 'base' : 'head');
      const issue: FakeIssue = { number: repo.issues.length + 1, title: body.title, body: body.body ?? '', state: 'open', state_reason: null, labels: [], assignees: [], user: this.user.login, comments: [], pull: { head: body.head, base: body.base, head_sha: headSha, merged: false, files: [] } };
      repo.issues.push(issue);
      return { status: 201, body: pullJson(repo, issue) };
    }
    const issueMatch = /^\/(issues|pulls)\/(\d+)(\/.*)?$/.exec(rest);
    if (!issueMatch) return undefined;
    const issue = repo.issues.find((i) => i.number === Number(issueMatch[2]));
    if (!issue || (issueMatch[1] === 'pulls' && !issue.pull)) return undefined;
    const sub = issueMatch[3] ?? '';
    if (issueMatch[1] === 'issues') {
      if (method === 'GET' && sub === '') return { status: 200, body: issueJson(repo, issue) };
      if (method === 'PATCH' && sub === '') {
        if (body.state_reason && !['completed', 'not_planned', 'duplicate', 'reopened'].includes(body.state_reason)) throw new Unprocessable('Issue', 'state_reason');
        if (body.labels) for (const l of body.labels) if (!repo.labels.includes(l)) repo.labels.push(l);
        Object.assign(issue, Object.fromEntries(Object.entries(body).filter(([k]) => ['title', 'body', 'state', 'state_reason', 'labels', 'assignees'].includes(k))));
        return { status: 200, body: issueJson(repo, issue) };
      }
      if (method === 'GET' && sub === '/comments') return page(issue.comments.map((c) => commentJson(full, issue, c)));
      if (method === 'POST' && sub === '/comments') {
        if (!body.body) throw new Unprocessable('IssueComment', 'body');
        const comment = { id: this.nextCommentId++, body: body.body, user: this.user.login, created_at: TIME };
        issue.comments.push(comment);
        return { status: 201, body: commentJson(full, issue, comment) };
      }
      return undefined;
    }
    const pull = issue.pull!;
    if (method === 'GET' && sub === '') {
      if (accept.includes('diff')) return { status: 200, body: pull.files.map((f) => `diff --git a/${f.filename} b/${f.filename}\n${f.patch ?? ''}`).join('\n') };
      return { status: 200, body: pullJson(repo, issue) };
    }
    if (method === 'GET' && sub === '/files') return page(pull.files.map((f) => fromListTemplate('diffEntryItems', { sha: SHA(f.filename), changes: f.additions + f.deletions, ...f })));
    if (method === 'GET' && sub === '/reviews') {
      return page([fromListTemplate('reviewItems', { id: 77, user: userJson('reviewer'), state: 'APPROVED', body: 'LGTM\u200b', submitted_at: TIME, commit_id: pull.head_sha })]);
    }
    if (method === 'POST' && sub === '/comments') {
      if (body.commit_id !== pull.head_sha) throw new Unprocessable('PullRequestReviewComment', 'commit_id');
      return { status: 201, body: fromTemplate('reviewComment', { id: this.nextCommentId++, body: body.body, path: body.path, line: body.line, commit_id: body.commit_id, user: userJson(this.user.login), created_at: TIME, updated_at: TIME, html_url: `https://github.com/${full}/pull/${issue.number}#discussion_r${this.nextCommentId}` }) };
    }
    if (method === 'PUT' && sub === '/merge') {
      if (pull.merged) return { status: 405, body: { message: 'Pull Request is not mergeable', documentation_url: DOCS } };
      if (body.sha && body.sha !== pull.head_sha) return { status: 409, body: { message: 'Head branch was modified. Review and try the merge again.', documentation_url: DOCS } };
      pull.merged = true;
      issue.state = 'closed';
      return { status: 200, body: fromTemplate('mergeResult', { sha: SHA(`merge${issue.number}`), merged: true, message: 'Pull Request successfully merged' }) };
    }
    return undefined;
  }

  private contents(method: string, repo: FakeRepo, path: string, body: RequestBody): { status: number; body: unknown } | undefined {
    const full = `${repo.owner}/${repo.name}`;
    if (method === 'PUT') {
      const existing = repo.files[path];
      if (existing !== undefined && body.sha !== blobSha(existing)) throw new Unprocessable('Contents', 'sha');
      repo.files[path] = Buffer.from(body.content ?? '', 'base64');
      const template = fromTemplate('fileCommit');
      const sha = SHA(`commit${path}${Date.now()}`);
      const content = { ...contentEntry(full, path, blobSha(repo.files[path]!), repo.files[path]!.length, 'file') };
      return { status: existing === undefined ? 201 : 200, body: { content, commit: { ...(template['commit'] as object), sha, html_url: `https://github.com/${full}/commit/${sha}` } } };
    }
    if (method !== 'GET') return undefined;
    const file = repo.files[path];
    if (file !== undefined) {
      const bytes = Buffer.from(file);
      // GitHub inlines files up to 1 MB; larger ones come without content.
      const inline = bytes.length <= 1024 * 1024;
      return { status: 200, body: { ...contentEntry(full, path, blobSha(file), bytes.length, 'file'), encoding: inline ? 'base64' : 'none', content: inline ? bytes.toString('base64') : '' } };
    }
    const prefix = path === '' ? '' : `${path}/`;
    const children = new Map<string, { type: string; size: number }>();
    for (const [name, content] of Object.entries(repo.files)) {
      if (!name.startsWith(prefix)) continue;
      const [first, ...deeper] = name.slice(prefix.length).split('/');
      children.set(first!, deeper.length ? { type: 'dir', size: 0 } : { type: 'file', size: Buffer.from(content).length });
    }
    if (children.size === 0) return undefined;
    return { status: 200, body: [...children].map(([name, c]) => contentEntry(full, `${prefix}${name}`, SHA(name), c.size, c.type)) };
  }

  private search(url: URL, kind: 'issues' | 'repositories'): { status: number; body: unknown; link?: string } {
    const terms = (url.searchParams.get('q') ?? '').split(/\s+/).filter(Boolean);
    const repoQualifiers = terms.filter((t) => t.startsWith('repo:')).map((t) => t.slice(5).toLowerCase());
    const userQualifiers = terms.filter((t) => t.startsWith('user:')).map((t) => t.slice(5).toLowerCase());
    const words = terms.filter((t) => !t.includes(':')).map((t) => t.toLowerCase());
    const state = terms.find((t) => t === 'is:open' || t === 'is:closed')?.slice(3);
    const repos = [...this.repos.entries()].filter(([name, r]) => (repoQualifiers.length === 0 && userQualifiers.length === 0) || repoQualifiers.includes(name) || userQualifiers.includes(r.owner.toLowerCase()));
    const items =
      kind === 'repositories'
        ? repos.filter(([name]) => words.every((w) => name.includes(w))).map(([, r]) => ({ ...(fromTemplate('repoSearch')['items'] as object[])[0], ...repoJson(r), score: 1 }))
        : repos.flatMap(([, r]) => r.issues.filter((i) => (!state || i.state === state) && words.every((w) => `${i.title} ${i.body}`.toLowerCase().includes(w))).map((i) => ({ ...issueJson(r, i), score: 1 })));
    const paged = this.page(url, items);
    return { status: 200, body: { total_count: items.length, incomplete_results: false, ...(kind === 'issues' && { search_type: 'lexical' }), items: paged.body }, ...(paged.link && { link: paged.link }) };
  }

  private page(url: URL, items: unknown[]): { status: number; body: unknown[]; link?: string } {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const current = Number(url.searchParams.get('page') ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const at = (p: number) => {
      const next = new URL(url);
      next.searchParams.set('page', String(p));
      return next.href;
    };
    const links = [...(current < last ? [`<${at(current + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`] : []), ...(current > 1 ? [`<${at(1)}>; rel="first"`, `<${at(current - 1)}>; rel="prev"`] : [])];
    return { status: 200, body: items.slice((current - 1) * perPage, current * perPage), ...(links.length && { link: links.join(', ') }) };
  }
}

class Unprocessable extends Error {
  constructor(
    readonly resource: string,
    readonly field: string,
  ) {
    super('Validation Failed');
  }
}

function blobSha(content: string | Buffer): string {
  return SHA(`blob${Buffer.from(content).toString('hex').slice(0, 30)}${Buffer.from(content).length}`);
}

const API = 'https://api.github.com';

function userJson(login: string): Record<string, unknown> {
  const user = fromTemplate('issue')['user'] as Record<string, unknown>;
  const old = String(user['login']);
  return JSON.parse(JSON.stringify(user).replaceAll(old, login)) as Record<string, unknown>;
}

function repoJson(repo: FakeRepo): Record<string, unknown> {
  const template = fromTemplate('repository');
  const full = `${repo.owner}/${repo.name}`;
  const json = JSON.parse(JSON.stringify(template).replaceAll(String(template['full_name']), full)) as Record<string, unknown>;
  return {
    ...json,
    name: repo.name,
    full_name: full,
    owner: { ...(json['owner'] as object), ...userJson(repo.owner), type: 'Organization' },
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    description: repo.description,
    default_branch: repo.default_branch,
    html_url: `https://github.com/${full}`,
    stargazers_count: 42,
    open_issues_count: repo.issues.filter((i) => i.state === 'open').length,
    archived: false,
    language: 'TypeScript',
    has_discussions: false,
  };
}

function issueJson(repo: FakeRepo, issue: FakeIssue): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  const base = `${API}/repos/${full}/issues/${issue.number}`;
  return fromTemplate('issue', {
    url: base,
    repository_url: `${API}/repos/${full}`,
    labels_url: `${base}/labels{/name}`,
    comments_url: `${base}/comments`,
    events_url: `${base}/events`,
    timeline_url: `${base}/timeline`,
    html_url: `https://github.com/${full}/${issue.pull ? 'pull' : 'issues'}/${issue.number}`,
    id: issue.number * 10,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    state_reason: issue.state_reason,
    user: userJson(issue.user),
    labels: issue.labels.map((name) => labelJson(full, name)),
    assignee: issue.assignees[0] ? userJson(issue.assignees[0]) : null,
    assignees: issue.assignees.map(userJson),
    milestone: null,
    comments: issue.comments.length,
    created_at: TIME,
    updated_at: TIME,
    closed_at: issue.state === 'closed' ? TIME : null,
    ...(issue.pull && { pull_request: { url: `${API}/repos/${full}/pulls/${issue.number}`, html_url: `https://github.com/${full}/pull/${issue.number}`, diff_url: `https://github.com/${full}/pull/${issue.number}.diff`, patch_url: `https://github.com/${full}/pull/${issue.number}.patch`, merged_at: issue.pull.merged ? TIME : null } }),
  });
}

function contentEntry(full: string, path: string, sha: string, size: number, type: string): Record<string, unknown> {
  const url = `${API}/repos/${full}/contents/${path}?ref=main`;
  const html = `https://github.com/${full}/${type === 'dir' ? 'tree' : 'blob'}/main/${path}`;
  const git = `${API}/repos/${full}/git/${type === 'dir' ? 'trees' : 'blobs'}/${sha}`;
  return { name: path.split('/').pop(), path, sha, size, url, html_url: html, git_url: git, download_url: type === 'dir' ? null : `https://raw.githubusercontent.com/${full}/main/${path}`, type, _links: { self: url, git, html } };
}

function labelJson(full: string, name: string): Record<string, unknown> {
  return fromTemplate('label', { name, url: `${API}/repos/${full}/labels/${encodeURIComponent(name)}`, description: null, default: false });
}

function pullJson(repo: FakeRepo, issue: FakeIssue, simple = false): Record<string, unknown> {
  const pull = issue.pull!;
  const issueView = issueJson(repo, issue);
  const template = simple ? fromListTemplate('pullRequestSimpleItems') : fromTemplate('pullRequest');
  const ref = (name: string, sha: string) => ({ ...(template['head'] as object), label: `${repo.owner}:${name}`, ref: name, sha, user: userJson(repo.owner), repo: repoJson(repo) });
  const json: Record<string, unknown> = {
    ...template,
    url: `${API}/repos/${repo.owner}/${repo.name}/pulls/${issue.number}`,
    id: issue.number * 10,
    html_url: issueView['html_url'],
    number: issue.number,
    state: issue.state,
    title: issue.title,
    body: issue.body,
    user: userJson(issue.user),
    labels: [],
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    milestone: null,
    created_at: TIME,
    updated_at: TIME,
    closed_at: issue.state === 'closed' ? TIME : null,
    merged_at: pull.merged ? TIME : null,
    draft: false,
    head: ref(pull.head, pull.head_sha),
    base: ref(pull.base, SHA(pull.base)),
    auto_merge: null,
  };
  if (simple) return json;
  return {
    ...json,
    merged: pull.merged,
    mergeable: !pull.merged,
    merged_by: pull.merged ? userJson('octo-bot') : null,
    additions: pull.files.reduce((n, f) => n + f.additions, 0),
    deletions: pull.files.reduce((n, f) => n + f.deletions, 0),
    changed_files: pull.files.length,
    comments: issue.comments.length,
  };
}

function commentJson(full: string, issue: FakeIssue, comment: { id: number; body: string; user: string; created_at: string }): Record<string, unknown> {
  return fromTemplate('issueComment', {
    id: comment.id,
    url: `${API}/repos/${full}/issues/comments/${comment.id}`,
    issue_url: `${API}/repos/${full}/issues/${issue.number}`,
    body: comment.body,
    user: userJson(comment.user),
    created_at: comment.created_at,
    updated_at: comment.created_at,
    html_url: `https://github.com/${full}/issues/${issue.number}#issuecomment-${comment.id}`,
  });
}

function sendAnswer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const reset = String(Math.floor(Date.now() / 1000) + 3600);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-reset': reset,
    'x-ratelimit-used': '1',
    'x-ratelimit-resource': 'core',
    'x-github-api-version-selected': '2022-11-28',
    ...headers,
  });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
