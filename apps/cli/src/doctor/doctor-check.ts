/** The outcome of one `mcp-hub doctor` check. */
export interface DoctorCheck {
  name: string;
  /** `warn`: works, but probably not as meant. `skip`: not checked because an earlier check failed. */
  status: 'ok' | 'warn' | 'fail' | 'skip';
  detail: string;
  /** What to do about a `warn` or `fail`. */
  fix?: string;
}

export const ok = (name: string, detail: string): DoctorCheck => ({ name, status: 'ok', detail });
export const fail = (name: string, detail: string, fix: string): DoctorCheck => ({ name, status: 'fail', detail, fix });
export const warn = (name: string, detail: string, fix: string): DoctorCheck => ({ name, status: 'warn', detail, fix });
export const skip = (name: string, detail: string): DoctorCheck => ({ name, status: 'skip', detail });

/** Gives up on a check that takes longer than `ms` (an unreachable host that drops packets). */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
