import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ChainConfigError } from './chain-plan';

/**
 * Reads chain definitions from YAML or JSON files (YAML parses JSON too): each file holds chains
 * by name, at its top level or under a `chains` key. Merged with `inline` (the hub
 * configuration's own `chains.definitions`); check the result with `compileChains`.
 * @throws ChainConfigError naming the file that cannot be read or parsed, or a chain defined twice.
 */
export function readChainFiles(files: readonly string[], inline: Record<string, unknown> = {}): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...inline };
  const origin = new Map(Object.keys(inline).map((name) => [name, 'the configuration']));
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ChainConfigError(`cannot read chain file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    let document: unknown;
    try {
      // Plain data only: no custom tags, no aliases expanded beyond a bound (YAML's "billion laughs").
      document = parseYaml(text, { maxAliasCount: 100, customTags: [] });
    } catch (error) {
      throw new ChainConfigError(`chain file ${file} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
    }
    const chains = isRecord(document) && isRecord(document.chains) ? document.chains : document;
    if (!isRecord(chains)) throw new ChainConfigError(`chain file ${file} must hold chains by name (an object), at its top level or under "chains"`);
    for (const [name, definition] of Object.entries(chains)) {
      const earlier = origin.get(name);
      if (earlier) throw new ChainConfigError(`chain "${name}" is defined twice: in ${earlier} and in ${file}`);
      origin.set(name, file);
      merged[name] = definition;
    }
  }
  return merged;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
