// `classctl load --output json`, written piece by piece: the same text as
// `JSON.stringify({file, database, applied, branches, series, written}, null, 2)`
// of the whole plan, without the whole plan in memory. Pure: each function
// returns the next piece of text.
import type { TableCounts } from './load-plan.js';

const pretty = (value: unknown, indent: number): string => JSON.stringify(value, null, 2).replace(/\n/g, '\n' + ' '.repeat(indent));

export function loadJsonHead(head: { file: string; database: string; applied: boolean }): string {
  return `{\n  "file": ${JSON.stringify(head.file)},\n  "database": ${JSON.stringify(head.database)},\n  "applied": ${String(head.applied)},\n`;
}

/** One table's section (`"series": {`), then its `add` and `change` lists item by item, then its count of unchanged rows. */
export class LoadJsonTable {
  private items = 0;
  constructor(private readonly name: string) {}

  open(): string {
    return `  ${JSON.stringify(this.name)}: {\n`;
  }

  /** Starts the list `key` (`add`, then `change`). */
  startList(key: 'add' | 'change'): string {
    this.items = 0;
    return `    ${JSON.stringify(key)}: [`;
  }

  item(value: unknown): string {
    return `${this.items++ === 0 ? '\n' : ',\n'}      ${pretty(value, 6)}`;
  }

  endList(): string {
    return this.items === 0 ? '],\n' : '\n    ],\n';
  }

  close(counts: TableCounts): string {
    return `    "unchanged": ${counts.unchanged}\n  },\n`;
  }
}

export function loadJsonTail(written: { branches: number; series: number }): string {
  return `  "written": ${pretty(written, 2)}\n}\n`;
}
