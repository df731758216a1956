import type { Inventory } from '../inventory/inventory';
import type { Definition } from './definition-pins';

/**
 * Every definition the live inventory offers, as pinned: the whole descriptor, with the name
 * clients see. The connector's version is not part of it, so a version bump with identical
 * tools changes nothing.
 */
export function inventoryDefinitions(inventory: Inventory): Definition[] {
  const definitions: Definition[] = [];
  for (const tool of inventory.tools()) definitions.push({ kind: 'tool', name: tool.qualifiedName, definition: { ...tool.descriptor, name: tool.qualifiedName } });
  for (const prompt of inventory.prompts()) definitions.push({ kind: 'prompt', name: prompt.qualifiedName, definition: { ...prompt.descriptor, name: prompt.qualifiedName } });
  for (const { connector, descriptor } of inventory.resources()) definitions.push({ kind: 'resource', name: descriptor.uri, definition: { ...descriptor, connector } });
  for (const { connector, descriptor } of inventory.resourceTemplates()) definitions.push({ kind: 'resourceTemplate', name: descriptor.uriTemplate, definition: { ...descriptor, connector } });
  return definitions;
}
