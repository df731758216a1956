import { z } from 'zod';
import { ManifestSchema } from '@mcp-hub/connector-contract';
import type { ConnectorDefinition } from './define-connector';

const NameListSchema = z.array(z.string().min(1).max(100)).max(500);

/**
 * Which of a connector's tools are offered: the same block in every connector's configuration
 * (`connectors.<id>`), owned by the kit so that no connector writes its own filter.
 */
export const ToolExposureSchema = z.strictObject({
  /** Offers the tools that are not read-only. Default false: a connector starts read-only. */
  writeMode: z.boolean().default(false),
  /** Toolsets to offer; all when omitted. */
  toolsets: NameListSchema.min(1).optional(),
  /** `allow` keeps only the listed tools; `deny` removes tools and wins over `allow`; write mode off beats both. */
  tools: z.strictObject({ allow: NameListSchema.optional(), deny: NameListSchema.optional() }).default({}),
});
export type ToolExposure = z.output<typeof ToolExposureSchema>;

/** The keys of a connector's configuration section that {@link ToolExposureSchema} owns. */
export const TOOL_EXPOSURE_KEYS: readonly string[] = Object.keys(ToolExposureSchema.shape);

/** A configuration names a toolset or tool the connector does not have. */
export class UnknownToolNameError extends Error {
  override readonly name = 'UnknownToolNameError';
}

/**
 * The connector with only the tools `exposure` offers: those in the chosen toolsets, read-only
 * unless write mode is on, kept by `allow`, not removed by `deny`. Names are checked before
 * anything is filtered: failing closed on a typo beats silently exposing everything.
 * `checkNames: false` skips that check, for a connector's later definitions (see
 * `BuiltConnector.watch`): a tool that left the upstream must not stop a running replica.
 * @throws UnknownToolNameError naming the unknown name and listing the known ones.
 */
export function exposeTools<D>(connector: ConnectorDefinition<D>, exposure: ToolExposure, { checkNames = true } = {}): ConnectorDefinition<D> {
  const knownToolsets = [...connector.toolsets.keys()];
  const knownTools = [...connector.tools.keys()];
  if (checkNames) checkExposedNames(connector, exposure);
  const inToolsets = new Set((exposure.toolsets ?? knownToolsets).flatMap((toolset) => connector.toolsets.get(toolset) ?? []));
  const { allow, deny } = exposure.tools;
  const offered = knownTools.filter(
    (name) =>
      inToolsets.has(name) &&
      (exposure.writeMode || connector.tools.get(name)!.descriptor.annotations.readOnlyHint) &&
      (allow === undefined || allow.includes(name)) &&
      !deny?.includes(name),
  );
  const tools = new Map(offered.map((name) => [name, connector.tools.get(name)!]));
  const toolsets = new Map([...connector.toolsets].map(([toolset, members]) => [toolset, members.filter((name) => tools.has(name))]));
  const manifest = ManifestSchema.parse({ ...connector.manifest, tools: offered.map((name) => tools.get(name)!.descriptor) });
  return { ...connector, manifest, tools, toolsets };
}

function checkExposedNames<D>(connector: ConnectorDefinition<D>, exposure: ToolExposure): void {
  const id = connector.manifest.id;
  const knownToolsets = [...connector.toolsets.keys()];
  const knownTools = [...connector.tools.keys()];
  for (const name of exposure.toolsets ?? []) {
    if (!connector.toolsets.has(name)) throw new UnknownToolNameError(`connector ${id} has no toolset "${name}"; its toolsets: ${knownToolsets.join(', ')}`);
  }
  for (const name of [...(exposure.tools.allow ?? []), ...(exposure.tools.deny ?? [])]) {
    if (!connector.tools.has(name)) throw new UnknownToolNameError(`connector ${id} has no tool "${name}"; its tools: ${knownTools.join(', ')}`);
  }
}
