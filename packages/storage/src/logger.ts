/** Injectable logger (house style: no console in packages). Messages are plain strings; context is optional. */
export interface StorageLogger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

const noop = (): void => {};

/** Discards everything; the default when the caller gives no logger. */
export const silentLogger: StorageLogger = { debug: noop, info: noop, warn: noop, error: noop };
