/** URIs of the connector's resources: every one is built here, and parsed by the resource templates. */
export function issueUri(owner: string, repo: string, number: number): string {
  return `github://${owner}/${repo}/issues/${number}`;
}

/** A file's URI; the path is one percent-encoded segment (`src%2Findex.ts`), as the template reads it. */
export function contentsUri(owner: string, repo: string, path: string): string {
  return `github://${owner}/${repo}/contents/${encodeURIComponent(path)}`;
}

/** Where an issue's or pull request's third-party text came from, as the untrusted mark names it. */
export function textSource(owner: string, repo: string, kind: 'issue' | 'pull', number: number, commentId?: number): string {
  return `github:${owner}/${repo}:${kind}:${number}${commentId === undefined ? '' : `:comment:${commentId}`}`;
}
