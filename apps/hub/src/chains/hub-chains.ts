import type { Logger } from 'pino';
import type { ErrorObject } from 'ajv';
import type { Principal, ToolResult } from '@mcp-hub/connector-contract';
import type { Progress } from '../invocation/bus-invoker';
import { ClientRequestError } from '../invocation/hub-errors';
import { CHAIN_TOOL_PREFIX } from './chain-config';
import type { ChainPlan } from './chain-plan';
import type { ChainRunner } from './chain-runner';
import type { ChainToolInvoker } from './chain-step';

/** A chain's tool as lists show it (the shape of the hub's `ListedTool`). */
export interface ChainTool {
  name: string;
  title?: string;
  description: string;
  inputSchema: Record<string, unknown>;
  annotations: Record<string, unknown>;
}

export interface ChainCallOptions {
  principal: Principal;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface HubChainsOptions {
  /** Every defined chain, checked (`compileChains`). */
  plans: ReadonlyMap<string, ChainPlan>;
  runner: ChainRunner;
  logger: Logger;
}

/**
 * Service chains as the hub's own tools: each chain is one tool, `chain_<name>`, listed to a
 * principal whose scopes cover the chain's and who can see every tool its steps call (so a chain
 * never exposes a tool its caller could not call directly), and run by a {@link ChainRunner}
 * whose every step goes through the hub's own `callTool` as that principal.
 */
export class HubChains {
  private readonly tools = new Map<string, { plan: ChainPlan; tool: ChainTool }>();

  constructor(private readonly options: HubChainsOptions) {
    for (const plan of options.plans.values()) {
      const { definition } = plan;
      this.tools.set(plan.toolName, {
        plan,
        tool: {
          name: plan.toolName,
          ...(definition.title && { title: definition.title }),
          description: definition.description,
          inputSchema: definition.inputSchema,
          annotations: { ...(definition.title && { title: definition.title }), ...definition.annotations },
        },
      });
    }
  }

  /** Starts the runner; `invoke` is the hub's own `callTool`. */
  start(invoke: ChainToolInvoker): Promise<void> {
    return this.options.runner.start(invoke, this.options.plans);
  }

  close(): Promise<void> {
    return this.options.runner.close();
  }

  /** Whether `name` is a chain's tool. */
  isOwnTool(name: string): boolean {
    return name.startsWith(CHAIN_TOOL_PREFIX) && this.tools.has(name);
  }

  /** The chains `principal` may call, given the other tools it sees. */
  visibleTools(principal: Principal, listed: readonly { name: string }[]): ChainTool[] {
    if (this.tools.size === 0) return [];
    const names = new Set(listed.map((tool) => tool.name));
    const visible = new Map<string, boolean>();
    const isVisible = (toolName: string): boolean => {
      const known = visible.get(toolName);
      if (known !== undefined) return known;
      const entry = this.tools.get(toolName)!;
      // Chains never call themselves (refused at load), so this recursion ends.
      const result = mayUse(principal, entry.plan.definition.scopes) && entry.plan.steps.every((step) => (this.isOwnTool(step.tool) ? isVisible(step.tool) : names.has(step.tool)));
      visible.set(toolName, result);
      return result;
    };
    return [...this.tools.values()].filter(({ plan }) => isVisible(plan.toolName)).map(({ tool }) => tool);
  }

  /**
   * Runs chain `name` for `options.principal`; `listed` is what that principal sees otherwise.
   * Progress is reported per step (`progress` steps ended of `total`). A failure is a tool error
   * naming the step.
   * @throws ClientRequestError for a chain the principal may not see, as for an unknown tool.
   */
  async call(name: string, args: Record<string, unknown>, options: ChainCallOptions, listed: readonly { name: string }[]): Promise<ToolResult> {
    const entry = this.tools.get(name);
    if (!entry || !this.visibleTools(options.principal, listed).some((tool) => tool.name === name)) throw new ClientRequestError('invalid_params', `Unknown tool: ${name}`);
    const { plan } = entry;
    if (!plan.validateInput(args)) return errorResult(`Invalid arguments for ${name}: ${describe(plan.validateInput.errors ?? [])}. Fix the arguments and call again.`);
    let ended = 0;
    const total = plan.steps.length;
    let result;
    try {
      result = await this.options.runner.run(plan, args, {
        principal: options.principal,
        signal: options.signal,
        onStep: (step, outcome) => {
          ended += 1;
          options.onProgress?.({ progress: ended, total, message: `step ${step} ${outcome.status === 'ok' ? 'done' : outcome.status}` });
        },
      });
    } catch (error) {
      // Redis unreachable, or the runner stopped: the hub's failure, not the chain's.
      this.options.logger.warn({ err: error, chain: name }, 'chain not run');
      return errorResult(`The hub could not run ${name}. The failure has been logged.`);
    }
    if (!result.ok) {
      this.options.logger.info({ chain: name, step: result.step, cancelled: result.cancelled === true, principal: options.principal.id }, 'chain failed');
      return errorResult(`${name} ${result.cancelled ? 'was cancelled' : 'failed'}: ${result.message}`);
    }
    const structuredContent = isPlainObject(result.output) ? result.output : { result: result.output ?? null };
    return { content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent };
  }
}

function mayUse(principal: Principal, required: readonly string[]): boolean {
  return principal.scopes.includes('*') || required.every((scope) => principal.scopes.includes(scope));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 3)
    .map((error) => `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`)
    .join('; ');
}

function errorResult(message: string): ToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
