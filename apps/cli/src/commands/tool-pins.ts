import { DEFINITION_KINDS, definitionDiff, type DefinitionKind, type PinRecord, type PinStore } from '@mcp-hub/hub';
import { CommandFailure, ExitCode } from '../exit-codes';

/**
 * `mcp-hub tools diff`: every definition held until approved, with why (changed, or flagged on
 * first sight), the scanner's findings, and the top-level fields that differ from the approved
 * definition. Acts on the pin store directly (the same configuration as the hub).
 */
export async function runToolsDiff(store: PinStore, flags: { json?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<ExitCode> {
  const held = (await store.all()).filter((record) => record.pendingHash !== null);
  if (flags.json) {
    out.write(`${JSON.stringify(held, null, 2)}\n`);
    return ExitCode.ok;
  }
  for (const record of held) out.write(describeHeld(record));
  out.write(`${held.length} held until approved${held.length > 0 ? ' (mcp-hub tools approve <name>)' : ''}\n`);
  return ExitCode.ok;
}

/** `mcp-hub tools approve <name>`: approves what is held under `name` (of `kind` only, when given); hubs serve it within their poll interval. */
export async function runToolsApprove(store: PinStore, name: string, flags: { kind?: string }, out: NodeJS.WritableStream = process.stdout): Promise<ExitCode> {
  if (flags.kind !== undefined && !DEFINITION_KINDS.includes(flags.kind as DefinitionKind)) {
    throw new CommandFailure(`--kind must be one of ${DEFINITION_KINDS.join(', ')}`, ExitCode.usage);
  }
  const approved = await store.approve(name, flags.kind as DefinitionKind | undefined);
  if (approved.length === 0) throw new CommandFailure(`nothing is held under ${JSON.stringify(name)} (see mcp-hub tools diff)`, ExitCode.toolError);
  for (const record of approved) out.write(`approved ${record.kind} ${record.name} (sha256 ${record.approvedHash})\n`);
  return ExitCode.ok;
}

function describeHeld(record: PinRecord): string {
  const why = record.approvedHash === null ? 'flagged on first sight, never approved' : 'definition changed since it was approved';
  const lines = [`${record.kind} ${record.name}: ${why}`];
  for (const finding of record.findings) lines.push(`  ! ${finding}`);
  for (const change of definitionDiff(record.approvedDefinition, record.pendingDefinition)) {
    if (change.approved !== undefined) lines.push(`  - ${change.field}: ${change.approved}`);
    if (change.held !== undefined) lines.push(`  + ${change.field}: ${change.held}`);
  }
  return `${lines.join('\n')}\n`;
}
