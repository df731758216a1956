/** What is pinned: the four kinds of definition a connector announces. */
export type DefinitionKind = 'tool' | 'prompt' | 'resource' | 'resourceTemplate';

export const DEFINITION_KINDS: readonly DefinitionKind[] = ['tool', 'prompt', 'resource', 'resourceTemplate'];

/**
 * One pinned definition. `name` is the qualified name for tools and prompts, the URI for
 * resources and the URI template for resource templates. `approved*` is what clients may see
 * (null: nothing approved yet, the definition was flagged on first sight); `pending*` is a
 * definition seen since and held until an operator approves it.
 */
export interface PinRecord {
  kind: DefinitionKind;
  name: string;
  approvedHash: string | null;
  approvedDefinition: unknown;
  pendingHash: string | null;
  pendingDefinition: unknown;
  /** What the description scanner found in the pending definition (rule ids with where). */
  findings: string[];
  /** Last change, ms since the epoch. */
  updatedAt: number;
}

/**
 * Where pins live, shared by every hub replica and the `mcp-hub tools` commands: SQLite in the
 * embedded mode, PostgreSQL when distributed. Every write is one statement, safe with several
 * writers.
 */
export interface PinStore {
  all(): Promise<PinRecord[]>;
  /** Pins `hash` as approved unless the definition is already pinned; returns the record as stored. */
  pinFirstSight(kind: DefinitionKind, name: string, hash: string, definition: unknown): Promise<PinRecord>;
  /** Holds a definition until approved (a change, or a first sight the scanner flagged); the approved one stays. */
  holdPending(kind: DefinitionKind, name: string, hash: string, definition: unknown, findings: readonly string[]): Promise<PinRecord>;
  /** Approves what is pending under `name` (every kind, or only `kind`); returns the records approved. */
  approve(name: string, kind?: DefinitionKind): Promise<PinRecord[]>;
  close(): Promise<void>;
}

/** Table names come from config or tests, never from clients: checked anyway, since they are spliced into SQL. */
export function checkedTableName(table: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) throw new Error(`pin table name ${JSON.stringify(table)} must match ^[a-z_][a-z0-9_]{0,62}$`);
  return table;
}

export const DEFAULT_PIN_TABLE = 'definition_pins';
