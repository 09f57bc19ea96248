import { resolve } from 'node:path';
import { err, ok, type Result } from '@hamstream/core';

export interface ServerConfig {
  host: string;
  port: number;
  /** Absolute path of the local data folder. */
  dataDir: string;
  /** InfluxDB URL (`--influx` / HAMSTREAM_INFLUX_URL), null: the data folder only. */
  influxUrl: string | null;
}

export interface ServerFlags {
  host?: string;
  port?: string | number;
  data?: string;
  influx?: string;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
export const DEFAULT_DATA_DIR = 'data';

/** Flags win over the environment (`PORT`, `HAMSTREAM_DATA`, `HAMSTREAM_INFLUX_URL`), which wins over the defaults. */
export function resolveServerConfig(
  flags: ServerFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): Result<ServerConfig, string> {
  // An empty variable counts as unset (`PORT= hamstream start`).
  const envPort = env.PORT?.trim() ? env.PORT.trim() : undefined;
  const envData = env.HAMSTREAM_DATA?.trim() ? env.HAMSTREAM_DATA : undefined;
  const portText = flags.port ?? envPort ?? DEFAULT_PORT;
  const port = typeof portText === 'number' ? portText : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return err(`port must be an integer 0-65535 (0: any free port), got ${String(portText)}`);
  }
  const host = flags.host ?? DEFAULT_HOST;
  if (host.length === 0) return err('host must not be empty');
  const data = flags.data ?? envData ?? DEFAULT_DATA_DIR;
  if (data.trim().length === 0) return err('the data folder must not be empty');
  const influx = flags.influx ?? (env.HAMSTREAM_INFLUX_URL?.trim() ? env.HAMSTREAM_INFLUX_URL.trim() : null);
  if (influx !== null && !/^https?:\/\//i.test(influx)) {
    return err(`the InfluxDB URL must be http(s)://[user:pass@]host:port/database, got ${influx}`);
  }
  return ok({ host, port, dataDir: resolve(cwd, data), influxUrl: influx });
}
