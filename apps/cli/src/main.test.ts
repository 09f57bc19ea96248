import { describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from './main.js';

/** Runs the CLI in-process and captures what it prints. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
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

describe('hamstream CLI', () => {
  const commands = buildProgram().commands.map((c) => c.name());

  it('lists every registered command in --help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    for (const name of commands) expect(out).toContain(name);
  });

  it.each(commands)('`%s --help` describes the command', async (name) => {
    const { code, out } = await run([name, '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/Usage: hamstream/);
  });

  it('fails with one clear line for an unknown command', async () => {
    const { code, err } = await run(['no-such-command']);
    expect(code).not.toBe(0);
    expect(err).toMatch(/unknown command/);
  });
});
