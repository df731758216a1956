/** What an attack achieved: nothing (`blocked`), reached the model marked untrusted (`flagged`), or worked (`through`). */
export type Outcome = 'blocked' | 'flagged' | 'through';

/** Counts outcomes by category, for the summary printed after the red-team run. */
export class RedTeamTally {
  private readonly cases: Array<{ category: string; name: string; outcome: Outcome }> = [];

  record(category: string, name: string, outcome: Outcome): void {
    this.cases.push({ category, name, outcome });
  }

  /** A plain-text table: per category, how many cases were blocked, flagged and got through, and the names of those that got through. */
  report(): string {
    const categories = [...new Set(this.cases.map((c) => c.category))];
    const count = (cases: typeof this.cases, outcome: Outcome) => cases.filter((c) => c.outcome === outcome).length;
    const lines = ['', `red-team corpus: ${this.cases.length} cases`, 'category | cases | blocked | flagged | through'];
    for (const category of categories) {
      const cases = this.cases.filter((c) => c.category === category);
      lines.push(`${category} | ${cases.length} | ${count(cases, 'blocked')} | ${count(cases, 'flagged')} | ${count(cases, 'through')}`);
    }
    lines.push(`all | ${this.cases.length} | ${count(this.cases, 'blocked')} | ${count(this.cases, 'flagged')} | ${count(this.cases, 'through')}`);
    for (const c of this.cases.filter((c) => c.outcome === 'through')) lines.push(`through: ${c.category}: ${c.name}`);
    return `${lines.join('\n')}\n`;
  }
}
