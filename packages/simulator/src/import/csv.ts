import { readFile } from 'node:fs/promises';

/** A small numeric-CSV table: header names and rows of strings (the datasets here are a few MB). */
export interface CsvTable {
  columns: string[];
  rows: string[][];
  /** Column index by name; throws naming the file when a column is missing. */
  col(name: string): number;
}

export async function readCsv(path: string): Promise<CsvTable> {
  const text = await readFile(path, 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const columns = (lines[0] ?? '').split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const index = new Map(columns.map((c, i) => [c, i]));
  return {
    columns,
    rows,
    col(name: string): number {
      const i = index.get(name);
      if (i === undefined) throw new Error(`${path}: no column ${name}`);
      return i;
    },
  };
}

/** Parses a numeric cell; NaN for empty or `NA`. */
export function num(cell: string | undefined): number {
  if (cell === undefined || cell === '' || cell === 'NA') return Number.NaN;
  return Number(cell);
}

/** Rounds to `digits` decimals (keeps imported values at their source precision, not float noise). */
export function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}
