/** Injectable logger: the package never prints. Fields are structured context (sensor id, address …). */
export interface IngestLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: IngestLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
