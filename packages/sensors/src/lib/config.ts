import { HamstreamError } from '@hamstream/core';

export const DEVICE_CONFIG_ERROR = 'HAMSTREAM_ERR_DEVICE_CONFIG';

/** Throws one HamstreamError listing every problem, so a user fixes the config in one go. */
export function assertConfig(driverId: string, issues: readonly string[]): void {
  if (issues.length > 0) throw new HamstreamError(DEVICE_CONFIG_ERROR, `${driverId}: ${issues.join('; ')}`);
}

/** `config.rateHz` when it is a positive finite number, else undefined (type problems go to checkConfig). */
export function positiveNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

export function describeValue(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : String(v);
}
