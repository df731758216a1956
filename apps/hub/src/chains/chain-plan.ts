import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { CHAIN_TOOL_PREFIX, ChainDefinitionsSchema, ChainNameSchema, chainToolName, type ChainDefinition, type ChainStep } from './chain-config';
import { ChainExpression, ChainExpressionError } from './chain-expression';

/** A chain configuration that cannot run; the message names the chain and, where it applies, the step. */
export class ChainConfigError extends Error {
  override readonly name = 'ChainConfigError';
}

/** One step, its expressions compiled, with the steps it waits for. */
export interface PlannedStep {
  id: string;
  tool: string;
  /** Each argument: a compiled expression, or a literal (number, boolean, null). */
  arguments: ReadonlyMap<string, ChainExpression | number | boolean | null>;
  when?: ChainExpression;
  /** Steps that must have finished (succeeded or been skipped) first: `needs` and every `steps.<id>` the expressions read. */
  needs: ReadonlySet<string>;
  retry: { attempts: number; backoffMs: number };
}

/** How a step ended: its result (`structuredContent`, or `{ text }`), skipped by its condition, or failed. */
export type StepOutcome = { status: 'ok'; value: unknown } | { status: 'skipped' } | { status: 'failed'; message: string };

/**
 * One chain, checked and compiled: its steps in waves. A wave is every step whose needs have all
 * finished; the steps of a wave run in parallel, and the next wave starts when the whole wave has
 * ended, in-process as on BullMQ (where a wave is the children a flow's parent waits for).
 */
export class ChainPlan {
  readonly toolName: string;
  readonly steps: readonly PlannedStep[];
  readonly output?: ChainExpression;
  readonly validateInput: ValidateFunction;

  constructor(
    readonly name: string,
    readonly definition: ChainDefinition,
    ajv: Ajv2020,
  ) {
    this.toolName = chainToolName(name);
    const ids = new Set<string>();
    for (const step of definition.steps) {
      if (ids.has(step.id)) throw new ChainConfigError(`chain "${name}", step "${step.id}": another step has this id`);
      ids.add(step.id);
    }
    this.steps = definition.steps.map((step) => planStep(name, step, ids));
    this.output = definition.output === undefined ? undefined : compile(name, undefined, 'output', definition.output, ids);
    const cycle = findCycle(this.steps.map((step) => [step.id, [...step.needs]]));
    if (cycle) throw new ChainConfigError(`chain "${name}": steps wait for each other in a cycle: ${cycle.join(' -> ')}`);
    try {
      this.validateInput = ajv.compile(definition.inputSchema);
    } catch (error) {
      throw new ChainConfigError(`chain "${name}": inputSchema is not a usable JSON Schema: ${(error as Error).message.slice(0, 300)}`);
    } finally {
      ajv.removeSchema(definition.inputSchema);
    }
  }

  /** The steps to run next given how the finished ones ended; empty once every step has ended. Never a step that has an outcome. */
  nextWave(outcomes: ReadonlyMap<string, StepOutcome>): PlannedStep[] {
    const finished = (id: string) => outcomes.has(id) && outcomes.get(id)!.status !== 'failed';
    return this.steps.filter((step) => !outcomes.has(step.id) && [...step.needs].every(finished));
  }

  /** The step of this chain with `id`. */
  step(id: string): PlannedStep | undefined {
    return this.steps.find((step) => step.id === id);
  }

  /** Chains this one calls as steps. */
  get calledChains(): string[] {
    return this.steps.filter((step) => step.tool.startsWith(CHAIN_TOOL_PREFIX)).map((step) => step.tool.slice(CHAIN_TOOL_PREFIX.length));
  }
}

/** One Ajv for every chain's input schema (building one costs more than compiling a schema); each schema is removed once compiled. */
let sharedAjv: Ajv2020 | undefined;

/**
 * Checks and compiles chain definitions (already parsed, or raw from a file).
 * @throws ChainConfigError naming the chain and step: a schema error, an expression that does not
 *   parse or names an unknown step, steps waiting for each other, a step calling a chain that is
 *   not defined, or chains that call each other in a cycle (`a -> b -> a`).
 */
export function compileChains(raw: unknown): Map<string, ChainPlan> {
  for (const name of raw !== null && typeof raw === 'object' ? Object.keys(raw) : []) {
    const valid = ChainNameSchema.safeParse(name);
    if (!valid.success) throw new ChainConfigError(`chain "${name.slice(0, 100)}": the name ${valid.error.issues[0]!.message}`);
  }
  const parsed = ChainDefinitionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ChainConfigError(describeIssue(raw, issue.path, issue.message));
  }
  const ajv = (sharedAjv ??= new Ajv2020({ allErrors: false, strict: false, validateFormats: false }));
  const plans = new Map<string, ChainPlan>();
  for (const [name, definition] of Object.entries(parsed.data)) plans.set(name, new ChainPlan(name, definition, ajv));
  for (const plan of plans.values()) {
    for (const step of plan.steps) {
      const called = step.tool.startsWith(CHAIN_TOOL_PREFIX) ? step.tool.slice(CHAIN_TOOL_PREFIX.length) : undefined;
      if (called !== undefined && !plans.has(called)) throw new ChainConfigError(`chain "${plan.name}", step "${step.id}": calls ${step.tool}, which is not a defined chain`);
    }
  }
  const cycle = findCycle([...plans.values()].map((plan) => [plan.name, plan.calledChains]));
  if (cycle) throw new ChainConfigError(`chains call themselves: ${cycle.map(chainToolName).join(' -> ')}`);
  return plans;
}

function planStep(chain: string, step: ChainStep, ids: ReadonlySet<string>): PlannedStep {
  const needs = new Set<string>();
  for (const need of step.needs) {
    if (!ids.has(need)) throw new ChainConfigError(`chain "${chain}", step "${step.id}": needs "${need}", which is not a step of this chain`);
    needs.add(need);
  }
  const args = new Map<string, ChainExpression | number | boolean | null>();
  for (const [key, value] of Object.entries(step.arguments)) {
    if (typeof value !== 'string') {
      args.set(key, value);
      continue;
    }
    const expression = compile(chain, step.id, `argument "${key}"`, value, ids);
    for (const ref of expression.stepRefs) needs.add(ref);
    args.set(key, expression);
  }
  const when = step.when === undefined ? undefined : compile(chain, step.id, 'when', step.when, ids);
  for (const ref of when?.stepRefs ?? []) needs.add(ref);
  if (needs.has(step.id)) throw new ChainConfigError(`chain "${chain}", step "${step.id}": reads its own result`);
  return { id: step.id, tool: step.tool, arguments: args, ...(when && { when }), needs, retry: step.retry };
}

function compile(chain: string, step: string | undefined, what: string, source: string, ids: ReadonlySet<string>): ChainExpression {
  const where = `chain "${chain}"${step === undefined ? '' : `, step "${step}"`}, ${what}`;
  let expression: ChainExpression;
  try {
    expression = new ChainExpression(source);
  } catch (error) {
    if (error instanceof ChainExpressionError) throw new ChainConfigError(`${where}: ${error.message}`);
    throw error;
  }
  for (const ref of expression.stepRefs) {
    if (!ids.has(ref)) throw new ChainConfigError(`${where}: reads steps.${ref}, which is not a step of this chain`);
  }
  return expression;
}

/** A cycle in the graph `node -> edges`, as the nodes along it with the first repeated at the end; undefined when there is none. */
export function findCycle(graph: ReadonlyArray<readonly [string, readonly string[]]>): string[] | undefined {
  const edges = new Map(graph);
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'visiting');
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const [node] of graph) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** A zod issue as `chain "x", step "y": field: message`, with the step's id rather than its index. */
function describeIssue(raw: unknown, path: readonly PropertyKey[], message: string): string {
  const [chain, ...rest] = path.map(String);
  if (chain === undefined) return `chains: ${message}`;
  let where = `chain "${chain}"`;
  let field = rest;
  if (rest[0] === 'steps' && rest[1] !== undefined) {
    const steps = (raw as Record<string, { steps?: Array<{ id?: unknown }> }>)[chain]?.steps;
    const id = steps?.[Number(rest[1])]?.id;
    where += typeof id === 'string' ? `, step "${id}"` : `, step ${Number(rest[1]) + 1}`;
    field = rest.slice(2);
  }
  return `${where}${field.length > 0 ? `: ${field.join('.')}` : ''}: ${message}`;
}
