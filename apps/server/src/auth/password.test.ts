import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, generatePassword, hashParams, hashPassword, verifyPassword } from './password.js';

const CHEAP = { N: 1024, r: 8, p: 1 };

describe('password hashing (scrypt)', () => {
  it('stores the cost, a per-user salt and the key; verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery staple', CHEAP);
    const b = await hashPassword('correct horse battery staple', CHEAP);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    // Same password, different salts: different hashes (no rainbow tables, no equal-password tell).
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('uses OWASP’s scrypt profile by default (N=2^15, r=8, p=3), within node’s memory limit', async () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 32768, r: 8, p: 3 });
    const h = await hashPassword('a passphrase of some length');
    expect(hashParams(h)).toEqual(DEFAULT_SCRYPT);
    expect(await verifyPassword('a passphrase of some length', h)).toBe(true);
  });

  it('normalises Unicode (NFKC): the same passphrase from another keyboard matches', async () => {
    const h = await hashPassword('ﬁsh café', CHEAP); // ligature ﬁ, precomposed é
    expect(await verifyPassword('fish cafe\u0301', h)).toBe(true);
  });

  it('never matches a malformed or tampered hash (and never runs an absurd cost from the file)', async () => {
    const h = await hashPassword('pw', CHEAP);
    const parts = h.split('$');
    for (const bad of [
      '',
      'plain',
      h.replace('scrypt', 'bcrypt'),
      [...parts.slice(0, 1), String(2 ** 24), ...parts.slice(2)].join('$'), // N beyond the bound
      [...parts.slice(0, 1), '1000', ...parts.slice(2)].join('$'), // not a power of two
      [...parts.slice(0, 5), 'AAAA'].join('$'), // short key
    ]) {
      expect(await verifyPassword('pw', bad), bad).toBe(false);
      expect(hashParams(bad)).toBeNull();
    }
  });

  it('generates one-time passwords of 100 bits in an unambiguous alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generatePassword();
      expect(p).toMatch(/^[a-km-np-z2-9]{5}(-[a-km-np-z2-9]{5}){3}$/);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });
});
