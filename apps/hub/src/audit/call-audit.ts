import type { CallOutcome } from '../metrics/hub-metrics';

/**
 * What the hub learns about one call while it runs, for the call's audit record: filled in
 * where each fact is decided (the policy, the approval gate, the forwarding), read when the
 * call ends. An outcome left unset is taken from how the call ended.
 */
export interface CallAudit {
  decision: { allowed: boolean; policies: string[] } | null;
  approvalId?: string;
  outcome?: CallOutcome;
  replicaId?: string;
}
