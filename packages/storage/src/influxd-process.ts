import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A real, throw-away influxd (InfluxDB 1.x) for tests and the benchmark: free loopback ports, a temp
 * directory holding meta/data/wal, reporting off, nothing listening beyond 127.0.0.1.
 * Tests must fail, not skip, without influxd: `startInfluxd` throws a message naming the apt package.
 */
export interface InfluxdProcess {
  /** `http://127.0.0.1:PORT` (append `/database` for the sink). */
  readonly baseUrl: string;
  readonly port: number;
  readonly dir: string;
  /** Process id of the running influxd (null while stopped). */
  readonly pid: number | null;
  /** SIGKILL (a crash: no graceful flush) and wait for the exit. */
  kill(): Promise<void>;
  /** Start again on the same port and directory; resolves when /ping answers. */
  restart(): Promise<void>;
  /** Stop and delete the temp directory. */
  stop(): Promise<void>;
}

export interface StartInfluxdOptions {
  binary?: string;
  /** Milliseconds to wait for /ping. */
  startTimeoutMs?: number;
}

export const DEFAULT_INFLUXD = '/usr/bin/influxd';

/** A free TCP port on 127.0.0.1 (asks the kernel, then releases it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function configToml(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${path.join(dir, 'meta')}"
  logging-enabled = false
[data]
  dir = "${path.join(dir, 'data')}"
  wal-dir = "${path.join(dir, 'wal')}"
  query-log-enabled = false
  trace-logging-enabled = false
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
[continuous_queries]
  enabled = true
  log-enabled = false
  run-interval = "1s"
[subscriber]
  enabled = false
[logging]
  level = "error"
`;
}

async function waitForPing(baseUrl: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`influxd exited with code ${child.exitCode} during startup`);
    try {
      const res = await fetch(`${baseUrl}/ping`, { signal: AbortSignal.timeout(500) });
      if (res.status === 204) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`influxd did not answer ${baseUrl}/ping within ${timeoutMs} ms`);
}

export async function startInfluxd(options: StartInfluxdOptions = {}): Promise<InfluxdProcess> {
  const binary = options.binary ?? DEFAULT_INFLUXD;
  if (!existsSync(binary)) {
    throw new Error(
      `${binary} not found: the storage tests need a real InfluxDB 1.x — install it with \`apt-get install influxdb\``,
    );
  }
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const dir = await mkdtemp(path.join(tmpdir(), 'hamstream-influxd-'));
  await Promise.all(['meta', 'data', 'wal'].map((d) => mkdir(path.join(dir, d))));
  const port = await freeLoopbackPort();
  let rpcPort = await freeLoopbackPort();
  while (rpcPort === port) rpcPort = await freeLoopbackPort();
  const configPath = path.join(dir, 'influxdb.conf');
  await writeFile(configPath, configToml(dir, port, rpcPort));
  const baseUrl = `http://127.0.0.1:${port}`;
  let stderrTail = '';

  let child: ChildProcess | null = null;
  const launch = async (): Promise<void> => {
    const c = spawn(binary, ['-config', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    c.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-2000);
    });
    child = c;
    try {
      await waitForPing(baseUrl, startTimeoutMs, c);
    } catch (e) {
      c.kill('SIGKILL');
      throw new Error(`${(e as Error).message}\n${stderrTail}`);
    }
  };
  const killChild = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      // influxd normally stops within a second of SIGTERM; never let a test hang on it.
      const hard = setTimeout(() => c.kill('SIGKILL'), 5000);
      c.once('exit', () => {
        clearTimeout(hard);
        resolve();
      });
      c.kill(signal);
    });
  };

  await launch();
  return {
    baseUrl,
    port,
    dir,
    get pid() {
      return child?.pid ?? null;
    },
    kill: () => killChild('SIGKILL'),
    restart: async () => {
      await killChild('SIGKILL');
      await launch();
    },
    stop: async () => {
      await killChild('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
