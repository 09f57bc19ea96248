import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost: N (CPU/memory, a power of two), r (block size), p (parallelism). */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's scrypt profile "N=2^15, r=8, p=3": 32 MiB and ~100 ms per hash on a small server. Sign-ins are
 * rare and rate-limited, so this cost is paid only by guessers. Stored with each hash, so it can be
 * raised later without breaking existing passwords.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 3 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Bounds for parameters read back from the accounts file: a tampered file must not exhaust memory. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      // NFKC: the same passphrase typed on another keyboard or OS hashes the same (NIST 800-63B).
      password.normalize('NFKC'),
      salt,
      KEY_BYTES,
      { N: params.N, r: params.r, p: params.p, maxmem: 160 * params.N * params.r },
      (e, key) => (e ? reject(e) : resolve(key)),
    );
  });
}

/** `scrypt$N$r$p$<salt base64>$<key base64>`, with a fresh random salt per call. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseHash(encoded: string): ParsedHash | null {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const powerOfTwo = Number.isInteger(N) && N >= 2 && N <= MAX_N && (N & (N - 1)) === 0;
  if (!powerOfTwo || !Number.isInteger(r) || r < 1 || r > MAX_R) return null;
  if (!Number.isInteger(p) || p < 1 || p > MAX_P) return null;
  const salt = Buffer.from(parts[4]!, 'base64');
  const key = Buffer.from(parts[5]!, 'base64');
  if (salt.length < 8 || key.length !== KEY_BYTES) return null;
  return { params: { N, r, p }, salt, key };
}

/** The cost parameters a stored hash was made with (null: not a hash this server can read). */
export function hashParams(encoded: string): ScryptParams | null {
  return parseHash(encoded)?.params ?? null;
}

/** Whether `password` matches `encoded`; compared in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

// No 0/O, 1/l/I: read aloud or copied from a terminal without mistakes.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/**
 * A one-time password: 4 groups of 5 characters from a 32-character alphabet (100 bits), e.g.
 * `k7mfq-2xw9p-…`. Meant to be typed once and changed at the first sign-in.
 */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 5; i++) s += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}
