import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthService } from './auth-service.js';

const CHEAP = { N: 1024, r: 8, p: 1 };
const PW = 'correct horse battery staple';

let dir: string;
let nowMs: number;
const service = (opts: Partial<ConstructorParameters<typeof AuthService>[0]> = {}) =>
  new AuthService({ dataDir: dir, scrypt: CHEAP, nowMs: () => nowMs, ...opts });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hamstream-auth-'));
  nowMs = Date.parse('2026-11-20T10:00:00.000Z');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('AuthService', () => {
  it('first start: creates admin with a one-time password, stored hashed in a 0600 file; once', async () => {
    const auth = service();
    const first = await auth.init();
    expect(first).toMatchObject({ username: 'admin', password: expect.stringMatching(/^[a-z2-9-]{23}$/) });
    const file = await readFile(auth.path, 'utf8');
    expect(file).not.toContain(first!.password);
    expect(file).toContain('scrypt$1024$8$1$');
    expect((await stat(auth.path)).mode & 0o777).toBe(0o600);
    const signIn = await auth.login({ username: 'admin', password: first!.password, ip: 'a', via: 'bearer' });
    expect(signIn.ok && signIn.value.principal.mustChangePassword).toBe(true);
    // The next start finds the admin: nothing is printed again.
    expect(await service().init()).toBeNull();
  });

  it('tightens a loose accounts file to 0600 and refuses to start over a corrupt one', async () => {
    await service().init();
    await chmod(join(dir, 'accounts.json'), 0o644);
    await service().init();
    expect((await stat(join(dir, 'accounts.json'))).mode & 0o777).toBe(0o600);
    await writeFile(join(dir, 'accounts.json'), '{"version":1,"accou');
    await expect(service().init()).rejects.toThrow('not valid JSON');
  });

  it('ends a sign-in after its lifetime and on sign-out', async () => {
    const auth = service({ sessionTtlMs: 60_000 });
    await auth.init();
    await auth.createAccount({ id: 'alice', role: 'therapist', password: PW, mustChangePassword: false });
    const r = await auth.login({ username: 'alice', password: PW, ip: 'a', via: 'cookie' });
    if (!r.ok) throw new Error(r.error.message);
    expect(auth.authenticate(r.value.token, 'cookie')).toMatchObject({ id: 'alice', role: 'therapist' });
    // A cookie's token is not accepted as a bearer token, nor the other way round.
    expect(auth.authenticate(r.value.token, 'bearer')).toBeNull();
    nowMs += 59_999;
    expect(auth.refresh(r.value.principal)).not.toBeNull();
    nowMs += 1;
    expect(auth.authenticate(r.value.token, 'cookie')).toBeNull();
    const again = await auth.login({ username: 'alice', password: PW, ip: 'a', via: 'bearer' });
    if (!again.ok) throw new Error(again.error.message);
    auth.logout(again.value.principal);
    expect(auth.authenticate(again.value.token, 'bearer')).toBeNull();
  });

  it('rate-limits failed sign-ins per account (then even the right password waits) and per address', async () => {
    const auth = service({
      limits: { perAccount: { max: 3, windowMs: 60_000 }, perIp: { max: 5, windowMs: 60_000 } },
    });
    await auth.init();
    await auth.createAccount({ id: 'alice', role: 'therapist', password: PW, mustChangePassword: false });
    for (let i = 0; i < 3; i++) {
      const r = await auth.login({ username: 'alice', password: 'guess', ip: `10.0.0.${i}`, via: 'bearer' });
      expect(r.ok || r.error.statusCode).toBe(401);
    }
    const locked = await auth.login({ username: 'alice', password: PW, ip: '10.0.0.9', via: 'bearer' });
    expect(locked.ok || locked.error).toMatchObject({ statusCode: 429, retryAfterS: 60 });
    nowMs += 60_000;
    expect((await auth.login({ username: 'alice', password: PW, ip: '10.0.0.9', via: 'bearer' })).ok).toBe(
      true,
    );
    // One address guessing many accounts is stopped by the per-address limit.
    for (let i = 0; i < 5; i++)
      await auth.login({ username: `user${i}`, password: 'x', ip: '10.9.9.9', via: 'bearer' });
    const r = await auth.login({ username: 'alice', password: PW, ip: '10.9.9.9', via: 'bearer' });
    expect(r.ok || r.error.statusCode).toBe(429);
  });

  it('answers unknown, disabled and password-less accounts like a wrong password', async () => {
    const auth = service();
    await auth.init();
    await auth.createAccount({ id: 'alice', role: 'therapist', password: PW, mustChangePassword: false });
    await auth.enableDemo();
    await auth.updateAccount('alice', { disabled: true });
    for (const username of ['nobody', 'alice', 'demo']) {
      const r = await auth.login({ username, password: PW, ip: 'a', via: 'bearer' });
      expect(r.ok || r.error.message, username).toBe('wrong user name or password');
    }
  });

  it('keeps daemon tokens hashed across restarts, bound to their sessions, until expiry or revocation', async () => {
    const auth = service({ daemonTokenTtlMs: 3_600_000 });
    await auth.init();
    await auth.createAccount({ id: 'alice', role: 'therapist', password: PW, mustChangePassword: false });
    const { secret, token } = await auth.createDaemonToken({
      sessions: ['s1', 's1', 's2'],
      createdBy: 'alice',
    });
    expect(token.sessions).toEqual(['s1', 's2']);
    const file = await readFile(auth.path, 'utf8');
    expect(file).toContain(token.hash);
    expect(file).not.toContain(secret.slice(-43));
    const restarted = service();
    await restarted.init();
    expect(restarted.authenticate(secret, 'bearer')).toMatchObject({
      kind: 'daemon',
      sessions: ['s1', 's2'],
    });
    // A tampered secret with the right id is refused; so is a daemon token sent as a cookie.
    expect(
      restarted.authenticate(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`, 'bearer'),
    ).toBeNull();
    expect(restarted.authenticate(secret, 'cookie')).toBeNull();
    nowMs += 3_600_000;
    expect(restarted.authenticate(secret, 'bearer')).toBeNull();
    const fresh = await restarted.createDaemonToken({ sessions: ['s3'], createdBy: 'alice' });
    expect(await restarted.revokeDaemonToken(fresh.token.id)).toBe(true);
    expect(restarted.authenticate(fresh.secret, 'bearer')).toBeNull();
  });

  it('stops the tokens and sign-ins of a disabled account; never disables the last admin', async () => {
    const auth = service();
    await auth.init();
    await auth.createAccount({ id: 'alice', role: 'therapist', password: PW, mustChangePassword: false });
    const { secret } = await auth.createDaemonToken({ sessions: ['s1'], createdBy: 'alice' });
    const ephemeral = await auth.createDaemonToken({ sessions: ['s1'], createdBy: 'alice', persist: false });
    expect(await readFile(auth.path, 'utf8')).not.toContain(ephemeral.token.id);
    let revoked = 0;
    auth.onRevoke(() => revoked++);
    expect((await auth.updateAccount('alice', { disabled: true })).ok).toBe(true);
    expect(revoked).toBe(1);
    expect(auth.authenticate(secret, 'bearer')).toBeNull();
    expect(auth.authenticate(ephemeral.secret, 'bearer')).toBeNull();
    const last = await auth.updateAccount('admin', { disabled: true });
    expect(last.ok || last.error.statusCode).toBe(409);
  });

  it('resets the admin password on request, ending its sign-ins', async () => {
    const auth = service();
    const first = await auth.init();
    const s = await auth.login({ username: 'admin', password: first!.password, ip: 'a', via: 'bearer' });
    const reset = await auth.resetAdminPassword();
    expect(reset.password).not.toBe(first!.password);
    expect(s.ok && auth.refresh(s.value.principal)).toBeNull();
    expect(
      (await auth.login({ username: 'admin', password: first!.password, ip: 'a', via: 'bearer' })).ok,
    ).toBe(false);
    expect(
      (await auth.login({ username: 'admin', password: reset.password, ip: 'a', via: 'bearer' })).ok,
    ).toBe(true);
  });
});
