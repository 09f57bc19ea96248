import { toNobleUuid } from '@hamstream/core';

/** noble's form: lowercase hex, no dashes; 16-bit SIG UUIDs as 4 digits, everything else 32 digits. */
export function isNobleUuid(uuid: string): boolean {
  return /^([0-9a-f]{4}|[0-9a-f]{32})$/.test(uuid) && toNobleUuid(uuid) === uuid;
}

/** Accepts a characteristic in any common spelling (dashes, uppercase, full SIG form) and returns noble's. */
export function normaliseCharacteristic(uuid: string): string {
  return toNobleUuid(uuid);
}
