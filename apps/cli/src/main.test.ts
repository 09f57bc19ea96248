import { describe, expect, it } from 'vitest';
import { buildProgram } from './main.js';
import { runCli } from './test-support/run-cli.js';

const run = runCli;

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
