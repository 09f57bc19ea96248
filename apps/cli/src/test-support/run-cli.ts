import { vi } from 'vitest';
import { main } from '../main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs the `hamstream` CLI in-process and captures what it writes to stdout and stderr. Bytes (a PDF
 * written to stdout) are kept as latin1 text, one char per byte, so they can be compared byte for byte.
 */
export async function runCli(argv: readonly string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1');
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'hamstream', ...argv]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
