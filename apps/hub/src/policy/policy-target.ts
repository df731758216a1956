import type { ToolAnnotations } from '@mcp-hub/connector-contract';

/** The four things a principal asks the hub to do; each is a Cedar action of the same name. */
export type PolicyAction = 'call' | 'read' | 'get_prompt' | 'complete';

export const POLICY_ACTIONS: readonly PolicyAction[] = ['call', 'read', 'get_prompt', 'complete'];

/** A tool as the policy sees it: `McpHub::Tool::"<qualified name>"`, in its connector. */
export interface ToolTarget {
  readonly kind: 'tool';
  readonly connector: string;
  /** The name clients see, `<connector>_<tool>`. */
  readonly name: string;
  readonly annotations: ToolAnnotations;
  readonly scopes: readonly string[];
}

/**
 * A resource as the policy sees it: `McpHub::Resource::"<uri>"`, in its connector. Templates are
 * checked with their template text as the URI (`helpdesk://tickets/{id}`), so a rule on
 * `resource.uri like "helpdesk://tickets/*"` covers the template and every URI it matches.
 */
export interface ResourceTarget {
  readonly kind: 'resource';
  readonly connector: string;
  readonly uri: string;
}

/** A prompt as the policy sees it: `McpHub::Prompt::"<qualified name>"`, in its connector. */
export interface PromptTarget {
  readonly kind: 'prompt';
  readonly connector: string;
  readonly name: string;
}

export type PolicyTarget = ToolTarget | ResourceTarget | PromptTarget;
