import type { AddressInfo } from 'node:net';
import { type BuildAppOptions, buildApp, type HamstreamServer } from './app.js';

export interface StartServerOptions extends BuildAppOptions {
  host: string;
  port: number;
}

export interface RunningServer extends HamstreamServer {
  /** http://host:port/ as reachable (port resolved when 0 was asked). */
  url: string;
  port: number;
  /** Graceful shutdown (sockets closed, storage flushed). Safe to call twice. */
  close(): Promise<void>;
}

/** Builds the app and listens. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const server = await buildApp(options);
  await server.app.listen({ host: options.host, port: options.port });
  const address = server.app.server.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const hostPart = shownHost.includes(':') ? `[${shownHost}]` : shownHost;
  let closing: Promise<void> | null = null;
  return {
    ...server,
    url: `http://${hostPart}:${address.port}/`,
    port: address.port,
    close: () => {
      closing ??= server.app.close();
      return closing;
    },
  };
}
