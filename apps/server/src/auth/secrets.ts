import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets: 32 random bytes (base64url). Only their SHA-256 is kept (in memory for sign-ins, in the
 * accounts file for daemon tokens): with 256 bits of entropy a fast hash is enough, and a leaked file or
 * heap dump gives nothing to replay. Prefixes tell the kinds apart (and make leaked ones greppable).
 */
export const SESSION_TOKEN_PREFIX = 'hss_';
export const DAEMON_TOKEN_PREFIX = 'hsd_';

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex of a secret: the key it is stored and looked up under. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newSessionToken(): string {
  return `${SESSION_TOKEN_PREFIX}${randomSecret()}`;
}

const DAEMON_TOKEN_RE = /^hsd_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** `hsd_<id>_<secret>`: the id finds the token (and names it in lists and logs), the secret proves it. */
export function newDaemonToken(): { id: string; token: string } {
  const id = randomBytes(8).toString('hex');
  return { id, token: `${DAEMON_TOKEN_PREFIX}${id}_${randomSecret()}` };
}

export function parseDaemonToken(token: string): { id: string } | null {
  const m = DAEMON_TOKEN_RE.exec(token);
  return m ? { id: m[1]! } : null;
}
