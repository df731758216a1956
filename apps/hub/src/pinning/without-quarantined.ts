import type { Catalog } from '../policy/principal-views';
import type { DefinitionPins } from './definition-pins';

/** `catalog` without what `pins` holds: quarantine is one more filter before scopes and policy. */
export function withoutQuarantined<T, R, P>(catalog: Catalog<T, R, P>, pins: DefinitionPins | undefined): Catalog<T, R, P> {
  if (!pins || pins.quarantinedCount === 0) return catalog;
  return {
    tools: catalog.tools.filter((entry) => !pins.isQuarantined('tool', entry.key)),
    resources: catalog.resources.filter((entry) => !pins.isQuarantined('resource', entry.key)),
    resourceTemplates: catalog.resourceTemplates.filter((entry) => !pins.isQuarantined('resourceTemplate', entry.key)),
    prompts: catalog.prompts.filter((entry) => !pins.isQuarantined('prompt', entry.key)),
  };
}
