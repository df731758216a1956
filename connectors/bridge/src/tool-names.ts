import { ToolNameSchema } from '@mcp-hub/connector-contract';

/**
 * The hub's name for an upstream tool or prompt: snake_case (`get-tiny-image` and
 * `getTinyImage` become `get_tiny_image`), because the contract's names are `^[a-z][a-z0-9_]*$`
 * (they become NATS subject tokens). Undefined when nothing usable remains or it is too long.
 */
export function hubName(upstream: string): string | undefined {
  const words = upstream.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/[^a-z0-9]+/g, '_');
  let name = words.startsWith('_') ? words.slice(1) : words;
  if (name.endsWith('_')) name = name.slice(0, -1);
  if (/^[0-9]/.test(name)) name = `t_${name}`;
  return ToolNameSchema.safeParse(name).success ? name : undefined;
}

/**
 * Upstream names mapped to hub names and back. Two upstream names that map to one hub name: the
 * first keeps it, the second is left out (`conflict` says which).
 */
export class NameMap {
  private readonly toUpstream = new Map<string, string>();

  /** Records an upstream name; returns its hub name, or why it cannot have one. */
  add(upstream: string): { name: string } | { problem: string } {
    const name = hubName(upstream);
    if (name === undefined) return { problem: `"${upstream.slice(0, 100)}" has no usable snake_case form of at most 63 characters` };
    const taken = this.toUpstream.get(name);
    if (taken !== undefined) return { problem: `"${upstream.slice(0, 100)}" and "${taken}" both become "${name}"` };
    this.toUpstream.set(name, upstream);
    return { name };
  }

  upstream(name: string): string | undefined {
    return this.toUpstream.get(name);
  }
}
