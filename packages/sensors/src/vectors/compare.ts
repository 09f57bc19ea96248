import { bytesToHex } from '@hamstream/core';
import type { DecodedItem } from '../types.js';
import type { ExpectedArray, ExpectedItem } from './types.js';

const DEFAULT_TOLERANCE = 1e-9;

/**
 * Differences between decoded items and their expectation, one line each (empty: they match).
 * Items must match in number and order; within an item only the expected fields are compared.
 */
export function compareDecoded(
  actual: readonly DecodedItem[],
  expected: readonly ExpectedItem[],
  tolerance: Readonly<Record<string, number>> = {},
): string[] {
  const problems: string[] = [];
  if (actual.length !== expected.length) {
    problems.push(
      `expected ${expected.length} items (${expected.map((e) => e.kind).join(', ')}), got ${actual.length} (${actual.map((a) => a.kind).join(', ')})`,
    );
    return problems;
  }
  expected.forEach((exp, i) => {
    const act = actual[i] as unknown as Record<string, unknown>;
    for (const [field, want] of Object.entries(exp)) {
      const got = act[field];
      const at = `item ${i} (${exp.kind}).${field}`;
      const tol = tolerance[field] ?? DEFAULT_TOLERANCE;
      if (got instanceof Float64Array)
        problems.push(...compareArray(at, got, want as ExpectedArray | null, tol));
      else if (got instanceof Uint8Array) {
        if (typeof want !== 'string' || bytesToHex(got) !== want.replace(/\s+/g, '').toLowerCase()) {
          problems.push(`${at}: expected ${String(want)}, got ${bytesToHex(got)}`);
        }
      } else if (typeof got === 'number' && typeof want === 'number') {
        if (!(Math.abs(got - want) <= tol)) problems.push(`${at}: expected ${want} ±${tol}, got ${got}`);
      } else if (Array.isArray(got) && Array.isArray(want)) {
        if (got.length !== want.length || got.some((g, k) => !closeOrEqual(g, want[k], tol))) {
          problems.push(`${at}: expected [${want.join(', ')}], got [${got.join(', ')}]`);
        }
      } else if (got !== want) {
        problems.push(`${at}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      }
    }
  });
  return problems;
}

function closeOrEqual(a: unknown, b: unknown, tol: number): boolean {
  return typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= tol : a === b;
}

function compareArray(at: string, got: Float64Array, want: ExpectedArray | null, tol: number): string[] {
  if (want === null) return [`${at}: expected null, got Float64Array(${got.length})`];
  const full = Array.isArray(want);
  const spec = want as { length: number; head?: readonly number[]; tail?: readonly number[] };
  const length = full ? (want as readonly number[]).length : spec.length;
  if (got.length !== length) return [`${at}: expected length ${length}, got ${got.length}`];
  const checks: [number, number][] = [];
  if (full) {
    for (const [k, v] of (want as readonly number[]).entries()) checks.push([k, v]);
  } else {
    for (const [k, v] of (spec.head ?? []).entries()) checks.push([k, v]);
    const tail = spec.tail ?? [];
    for (const [k, v] of tail.entries()) checks.push([length - tail.length + k, v]);
  }
  const bad = checks.filter(([k, v]) => !(Math.abs(got[k]! - v) <= tol));
  return bad.map(([k, v]) => `${at}[${k}]: expected ${v} ±${tol}, got ${got[k]}`);
}
