import { canonicalJson } from '@mcp-hub/connector-contract';

/** One top-level field of a definition that differs between the approved and the held version (canonical JSON; absent on one side: added or removed). */
export interface FieldChange {
  field: string;
  approved?: string;
  held?: string;
}

/**
 * The top-level fields that differ between an approved definition and the one held in its place
 * (what `mcp-hub tools diff` and the admin page's quarantine show), sorted by field name.
 * A definition never approved (flagged on first sight) shows every field as added.
 */
export function definitionDiff(approved: unknown, held: unknown): FieldChange[] {
  const before = asObject(approved);
  const after = asObject(held);
  const changes: FieldChange[] = [];
  for (const field of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const old = before[field] === undefined ? undefined : canonicalJson(before[field]);
    const now = after[field] === undefined ? undefined : canonicalJson(after[field]);
    if (old !== now) changes.push({ field, ...(old !== undefined && { approved: old }), ...(now !== undefined && { held: now }) });
  }
  return changes;
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
