import { z } from 'zod';
import { canonicalHash } from './canonical-json';
import { JobIdSchema } from './jobs';
import { ToolNameSchema } from './names';
import type { Principal } from './invocation';
import { PRINCIPAL_ASSERTION_ISSUER, PrincipalAssertionClaimsSchema } from './principal-assertion';

/**
 * The hub's signed statement of who a queued job is for, carried in the job's data
 * (`JobData.assertion`): a compact JWS (EdDSA) like a call's principal assertion, but of its own
 * type, bound to the job id, the tool and a hash of the arguments, and valid until the job's
 * deadline. The kit's job worker verifies it before the handler runs, so a job written into Redis
 * by anyone but a hub cannot choose its principal. Why it lives as long as the job and what a
 * copy of it still allows: docs/decisions/0013-job-principal-assertions.md.
 */
export const JOB_ASSERTION_TYPE = 'mcphub-job-assertion+jwt';

export const JobAssertionClaimsSchema = PrincipalAssertionClaimsSchema.extend({
  /** The job id: the assertion is good for this job only. */
  jti: JobIdSchema,
  /** The job's tool. */
  tool: ToolNameSchema,
  /** SHA-256 (hex) of the canonical JSON of the job's arguments ({@link jobArgumentsHash}). */
  args: z.string().regex(/^[0-9a-f]{64}$/),
});
export type JobAssertionClaims = z.infer<typeof JobAssertionClaimsSchema>;

/** What a job assertion binds besides the principal. */
export interface JobAssertionSubject {
  connector: string;
  jobId: string;
  tool: string;
  arguments: Record<string, unknown>;
  /** The job's deadline, epoch ms: the assertion expires with it. */
  deadline: number;
}

/** The hash a job assertion carries for `args`: the same on both sides of Redis whatever the key order. */
export function jobArgumentsHash(args: Record<string, unknown>): string {
  return canonicalHash(args);
}

/** The claims for `principal` running `job`, valid from `now` until the job's deadline. */
export function jobAssertionClaims(principal: Principal, job: JobAssertionSubject, now = Date.now()): JobAssertionClaims {
  return {
    iss: PRINCIPAL_ASSERTION_ISSUER,
    sub: principal.id,
    aud: job.connector,
    jti: job.jobId,
    scope: principal.scopes.join(' '),
    ...(principal.roles && { roles: principal.roles }),
    iat: Math.floor(now / 1000),
    exp: Math.max(Math.floor(now / 1000) + 1, Math.ceil(job.deadline / 1000)),
    tool: job.tool,
    args: jobArgumentsHash(job.arguments),
  };
}
