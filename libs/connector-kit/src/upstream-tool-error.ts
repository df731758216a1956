import { ToolError } from './tool-error';

/** What a tool error about an upstream's answer is built from. */
export interface UpstreamFailure {
  /** The upstream's name as the model and the operator know it ("GitHub"). */
  service: string;
  status: number;
  /** The upstream's own words, already cleaned, redacted and cut (see `upstreamErrorDetail`). */
  detail?: string;
  /** Whether the upstream said the connector is over a rate limit (429, or a 403 with rate-limit headers). */
  limited: boolean;
  /** When the upstream said to come back, in milliseconds. */
  retryAfterMs?: number;
  /** Tries made, from 1. */
  attempts: number;
}

/**
 * The tool error for an upstream's non-2xx answer, worded for the model and never holding a
 * request header:
 * - a rate limit → `rate_limited` (with `retryAfterMs` when known);
 * - 401, and 403 that is no rate limit → `unauthorized`: the connector's credentials are
 *   wrong, expired or lack a permission, which only an operator can fix;
 * - 404 and 410 → `not_found`; 409 and 412 → `conflict`;
 * - 400, 405, 413, 414, 415 and 422 → `invalid_arguments`: the request the arguments made was
 *   refused;
 * - anything else (other 4xx, 5xx) → `upstream`.
 */
export function upstreamToolError(failure: UpstreamFailure): ToolError {
  const { service, status, limited, retryAfterMs, attempts } = failure;
  const said = failure.detail ? `: ${failure.detail}` : '';
  const http = `HTTP ${status}${said}`;
  if (limited) return new ToolError('rate_limited', `${service} is rate limiting the connector (${http}).`, retryAfterMs);
  if (status === 401) {
    return new ToolError('unauthorized', `${service} refused the connector's credentials (${http}). An operator must renew or correct them; retrying will not help.`);
  }
  if (status === 403) {
    return new ToolError('unauthorized', `${service} denied the connector access (${http}). Its credentials lack a permission this needs; an operator must grant it.`);
  }
  if (status === 404 || status === 410) {
    return new ToolError('not_found', `${service} has no such resource, or the connector may not see it (${http}). Check the identifiers in the arguments.`);
  }
  if (status === 409 || status === 412) return new ToolError('conflict', `${service} refused the change: it conflicts with the current state (${http}).`);
  if (INVALID_REQUEST.has(status)) return new ToolError('invalid_arguments', `${service} rejected the request (${http}). Change the arguments.`);
  const tries = attempts > 1 ? ` after ${attempts} tries` : '';
  return new ToolError('upstream', `${service} failed${tries} (${http}).`, retryAfterMs);
}

const INVALID_REQUEST = new Set([400, 405, 413, 414, 415, 422]);
