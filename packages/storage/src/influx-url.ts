import { HamstreamError } from '@hamstream/core';

/** Where InfluxDB is: `http://[user:pass@]host:port/database` (from --influx or HAMSTREAM_INFLUX_URL). */
export interface InfluxTarget {
  protocol: 'http' | 'https';
  host: string;
  port: number;
  database: string;
  username?: string;
  password?: string;
  /** The base URL without credentials or database, e.g. `http://127.0.0.1:8086`. */
  baseUrl: string;
}

export const DEFAULT_INFLUX_DATABASE = 'hamstream';

/** Parses an InfluxDB URL; throws HamstreamError(HAMSTREAM_ERR_INFLUX_URL) with a one-line reason. */
export function parseInfluxUrl(url: string): InfluxTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new HamstreamError(
      'HAMSTREAM_ERR_INFLUX_URL',
      `not a URL: "${url}" (expected http://host:port/database)`,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new HamstreamError(
      'HAMSTREAM_ERR_INFLUX_URL',
      `unsupported protocol "${u.protocol}" in ${url} (http or https)`,
    );
  }
  const protocol = u.protocol === 'https:' ? 'https' : 'http';
  const segments = u.pathname.split('/').filter((p) => p.length > 0);
  if (segments.length > 1) {
    throw new HamstreamError(
      'HAMSTREAM_ERR_INFLUX_URL',
      `expected at most one path segment (the database) in ${url}`,
    );
  }
  const database = decodeURIComponent(segments[0] ?? DEFAULT_INFLUX_DATABASE);
  const port = u.port ? Number(u.port) : protocol === 'https' ? 443 : 8086;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const target: InfluxTarget = {
    protocol,
    host,
    port,
    database,
    baseUrl: `${protocol}://${u.hostname}:${port}`,
  };
  if (u.username) target.username = decodeURIComponent(u.username);
  if (u.password) target.password = decodeURIComponent(u.password);
  return target;
}
