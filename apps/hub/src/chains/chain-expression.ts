import jsonata from 'jsonata';

/** The document every expression of a chain reads: the chain's arguments and the results of the steps it depends on. */
export interface ChainScope {
  input: Record<string, unknown>;
  steps: Record<string, unknown>;
}

/** Deepest JSONata evaluation nesting, and longest evaluation, of one expression. */
const MAX_DEPTH = 200;
const MAX_EVALUATION_MS = 1000;

/** An expression that does not parse or names steps in a way the chain cannot follow. */
export class ChainExpressionError extends Error {
  override readonly name = 'ChainExpressionError';
}

/**
 * One JSONata expression of a chain. JSONata (not JMESPath) because a chain builds text and
 * objects for the next tool (`'Ticket ' & steps.ticket.ticket.subject`, `{ "name": … }`), which
 * JMESPath cannot; it interprets its own syntax tree (no `eval`, no `Function`). Expressions come
 * from the operator's configuration; tool results are only ever data to them. Each evaluation is
 * bounded in depth and time, so a runaway recursion fails the step instead of the hub.
 */
export class ChainExpression {
  /** The steps the expression reads (`steps.<id>`). */
  readonly stepRefs: ReadonlySet<string>;

  /** @throws ChainExpressionError when it does not parse, or reads `steps` without naming a step. */
  constructor(readonly source: string) {
    let ast: jsonata.ExprNode;
    try {
      ast = jsonata(source).ast();
    } catch (error) {
      const { message, position } = error as { message?: string; position?: number };
      throw new ChainExpressionError(`expression ${JSON.stringify(source.slice(0, 200))} does not parse${position !== undefined ? ` (at ${position})` : ''}: ${message ?? 'syntax error'}`);
    }
    const refs = new Set<string>();
    collectStepRefs(ast, refs, source);
    this.stepRefs = refs;
  }

  /**
   * Evaluates against `scope`.
   * @throws ChainExpressionError when the evaluation fails or runs away.
   */
  async evaluate(scope: ChainScope): Promise<unknown> {
    // A compiled expression keeps its bindings: one per evaluation, so that concurrent evaluations do not share the runaway counters.
    const expression = jsonata(this.source);
    let depth = 0;
    const deadline = Date.now() + MAX_EVALUATION_MS;
    const check = () => {
      if (depth > MAX_DEPTH) throw new ChainExpressionError(`expression ${JSON.stringify(this.source.slice(0, 200))} nests deeper than ${MAX_DEPTH}`);
      if (Date.now() > deadline) throw new ChainExpressionError(`expression ${JSON.stringify(this.source.slice(0, 200))} ran longer than ${MAX_EVALUATION_MS} ms`);
    };
    expression.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, () => {
      depth += 1;
      check();
    });
    expression.assign(Symbol.for('jsonata.__evaluate_exit') as unknown as string, () => {
      depth -= 1;
      check();
    });
    try {
      return toPlain(await expression.evaluate(scope));
    } catch (error) {
      if (error instanceof ChainExpressionError) throw error;
      const { message } = error as { message?: string };
      throw new ChainExpressionError(`expression ${JSON.stringify(this.source.slice(0, 200))} failed: ${message ?? 'evaluation error'}`);
    }
  }
}

/** JSONata's results may be its sequences (arrays with extra fields): plain JSON values from here on. */
function toPlain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/**
 * Adds every step the syntax tree reads through `steps.<id>` (or `$$.steps.<id>`) to `refs`. A
 * `steps` that is not followed by a step name (`steps`, `steps.*`, `steps[0]`) is refused: the
 * chain could not tell which steps must finish first.
 */
function collectStepRefs(node: unknown, refs: Set<string>, source: string): void {
  if (Array.isArray(node)) {
    for (const item of node) collectStepRefs(item, refs, source);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as { type?: string; value?: unknown; steps?: unknown };
  if (record.type === 'path' && Array.isArray(record.steps)) {
    const steps = record.steps as Array<{ type?: string; value?: unknown; stages?: unknown; predicate?: unknown }>;
    const rooted = steps[0]?.type === 'variable' && (steps[0].value === '' || steps[0].value === '$');
    const head = rooted ? 1 : 0;
    let next = 0;
    if (steps[head]?.type === 'name' && steps[head].value === 'steps') {
      const id = steps[head + 1];
      if (id?.type !== 'name' || typeof id.value !== 'string' || steps[head].stages || steps[head].predicate) throw unnamed(source);
      refs.add(id.value);
      next = head + 1;
    } else if (steps[0]?.type === 'name' && steps[0].value === 'steps') {
      throw unnamed(source);
    }
    // Names after the head are fields of what came before (`input.steps` is fine); their filters and predicates are expressions of their own.
    for (const [index, step] of steps.entries()) {
      if (index < next) continue;
      if (index > 0 && step.type === 'name') visitChildren(step, refs, source);
      else collectStepRefs(step, refs, source);
    }
    for (const [key, value] of Object.entries(record)) if (key !== 'steps') collectStepRefs(value, refs, source);
    return;
  }
  if (record.type === 'name' && record.value === 'steps') throw unnamed(source);
  visitChildren(record, refs, source);
}

function visitChildren(node: object, refs: Set<string>, source: string): void {
  for (const value of Object.values(node)) collectStepRefs(value, refs, source);
}

function unnamed(source: string): ChainExpressionError {
  return new ChainExpressionError(`expression ${JSON.stringify(source.slice(0, 200))} reads "steps" without naming one: write steps.<id>`);
}
