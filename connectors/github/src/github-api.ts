import type { HandlerContext } from '@mcp-hub/connector-kit';

/** One answer of the GitHub REST API: its body (not yet validated) and its headers, lower-cased. */
export interface GithubResponse {
  data: unknown;
  headers: Readonly<Record<string, string | number | undefined>>;
}

export interface GithubRequestOptions {
  /**
   * Whether sending the request twice does no more harm than once. Default true for GET, PUT
   * and DELETE. A request that is not is never retried after a server error (it may have acted).
   */
  idempotent?: boolean;
  /** `Accept` media type, e.g. `application/vnd.github.diff` for a pull request's diff. */
  accept?: string;
}

/**
 * The GitHub REST API as the tools see it: a route (`GET /repos/{owner}/{repo}/issues`) and its
 * parameters. Failures arrive as `ToolError`s (rate limits as `rate_limited` with the wait), and
 * the call never outlives the handler's deadline or signal.
 */
export interface GithubApi {
  request(ctx: HandlerContext, route: string, params: Record<string, unknown>, options?: GithubRequestOptions): Promise<GithubResponse>;
}
