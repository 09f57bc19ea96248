import { join } from 'node:path';
import { ok, type Result } from '@hamstream/core';
import type { AccountDto, AccountPatch, MeDto } from '@hamstream/protocol';
import { fail, type Problem, problem } from '../errors.js';
import {
  type AccountsFile,
  AccountsFileWriter,
  readAccountsFile,
  type StoredAccount,
  type StoredDaemonToken,
} from './accounts-file.js';
import {
  DEFAULT_SCRYPT,
  generatePassword,
  hashPassword,
  type ScryptParams,
  verifyPassword,
} from './password.js';
import type { AccountPrincipal, DaemonPrincipal, Principal, Role } from './principal.js';
import { AttemptLimiter, type LimitPolicy } from './rate-limiter.js';
import {
  DAEMON_TOKEN_PREFIX,
  newDaemonToken,
  newSessionToken,
  parseDaemonToken,
  randomSecret,
  SESSION_TOKEN_PREFIX,
  secretHash,
} from './secrets.js';

/** pino-compatible subset (fastify's logger fits). */
export interface AuthLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface AuthOptions {
  /** The data folder: accounts live in `accounts.json` there (mode 0600). */
  dataDir: string;
  /** Password hashing cost (tests lower it; stored per hash). Default {@link DEFAULT_SCRYPT}. */
  scrypt?: ScryptParams;
  /** Wall clock, ms: sign-in and token expiry only (never data time). Injectable for tests. */
  nowMs?: () => number;
  /** How long a sign-in lasts, ms (default 12 h: one working day; then sign in again). */
  sessionTtlMs?: number;
  /** Default validity of a daemon token, ms (default 7 days). */
  daemonTokenTtlMs?: number;
  /** Failed sign-ins allowed per client address (default 20 per 10 min) and per account (5 per 15 min). */
  limits?: { perIp?: LimitPolicy; perAccount?: LimitPolicy };
  logger?: AuthLogger;
}

/** What the first start created: printed once to stdout by `hamstream start`, never logged. */
export interface FirstStart {
  username: string;
  password: string;
}

export interface SignIn {
  /** The bearer secret (cookie value or `Authorization: Bearer`). */
  token: string;
  principal: AccountPrincipal;
  expiresAtMs: number;
  /** How long it lasts from now, ms (the cookie's Max-Age). */
  ttlMs: number;
}

export type RevokeListener = () => void;

interface LoginSession {
  accountId: string;
  via: 'cookie' | 'bearer';
  createdAtMs: number;
  expiresAtMs: number;
}

export const ADMIN_ACCOUNT = 'admin';
export const DEMO_ACCOUNT = 'demo';
const ACCOUNT_ID_RE = /^[a-z0-9][a-z0-9._-]{1,31}$/;
const HOUR_MS = 3_600_000;
/** Sign-ins kept per account (older ones are dropped): bounds memory whatever a client does. */
const MAX_SESSIONS_PER_ACCOUNT = 50;

/** Bounds concurrent password hashing: each scrypt call holds 32 MiB for ~100 ms. */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * Accounts, sign-ins and daemon tokens. Accounts and daemon tokens (hashed) persist in
 * `DATA/accounts.json` (0600); sign-ins live in memory, keyed by the SHA-256 of their secret, and end
 * after `sessionTtlMs` or at a restart. Every credential is resolved afresh on use, so disabling an
 * account, changing a role or revoking a token takes effect on the next request or socket event.
 */
export class AuthService {
  private readonly accounts = new Map<string, StoredAccount>();
  private readonly daemonTokens = new Map<string, StoredDaemonToken>();
  /** Daemon tokens that live only as long as this process (the demo's). */
  private readonly ephemeralTokens = new Set<string>();
  private readonly sessions = new Map<string, LoginSession>();
  private readonly writer: AccountsFileWriter;
  private readonly scryptParams: ScryptParams;
  private readonly now: () => number;
  private readonly sessionTtlMs: number;
  private readonly daemonTokenTtlMs: number;
  private readonly perIp: AttemptLimiter;
  private readonly perAccount: AttemptLimiter;
  private readonly hashing = new Semaphore(2);
  private readonly revokeListeners = new Set<RevokeListener>();
  private readonly log: AuthLogger | null;
  private demoKeyHash: string | null = null;
  /** Verified when an account does not exist, so a miss costs as long as a wrong password (made lazily). */
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly options: AuthOptions) {
    this.writer = new AccountsFileWriter(this.path);
    this.scryptParams = options.scrypt ?? DEFAULT_SCRYPT;
    this.now = options.nowMs ?? Date.now;
    this.sessionTtlMs = options.sessionTtlMs ?? 12 * HOUR_MS;
    this.daemonTokenTtlMs = options.daemonTokenTtlMs ?? 7 * 24 * HOUR_MS;
    this.perIp = new AttemptLimiter(options.limits?.perIp ?? { max: 20, windowMs: 10 * 60_000 });
    this.perAccount = new AttemptLimiter(options.limits?.perAccount ?? { max: 5, windowMs: 15 * 60_000 });
    this.log = options.logger ?? null;
  }

  get path(): string {
    return join(this.options.dataDir, 'accounts.json');
  }

  /**
   * Loads the accounts. On the first start (no admin at all) creates `admin` with a random one-time
   * password and returns it: the caller prints it once; only its hash is stored.
   */
  async init(): Promise<FirstStart | null> {
    const read = await readAccountsFile(this.path);
    if (read) {
      for (const a of read.file.accounts) this.accounts.set(a.id, a);
      const nowMs = this.now();
      for (const t of read.file.daemonTokens) {
        if (Date.parse(t.expiresAt) > nowMs) this.daemonTokens.set(t.id, t);
      }
      if (read.tightenedFrom !== null) {
        this.log?.warn(
          { file: this.path, mode: read.tightenedFrom.toString(8) },
          'accounts file was readable by others; mode set to 600',
        );
      }
    }
    const hasAdmin = [...this.accounts.values()].some((a) => a.role === 'admin' && !a.disabled);
    if (hasAdmin) return null;
    const password = generatePassword();
    const existing = this.accounts.get(ADMIN_ACCOUNT);
    this.accounts.set(ADMIN_ACCOUNT, {
      id: ADMIN_ACCOUNT,
      role: 'admin',
      subject: null,
      passwordHash: await hashPassword(password, this.scryptParams),
      mustChangePassword: true,
      demo: false,
      disabled: false,
      createdAt: existing?.createdAt ?? new Date(this.now()).toISOString(),
    });
    await this.save();
    this.log?.info(
      { account: ADMIN_ACCOUNT },
      'first start: admin account created (one-time password printed)',
    );
    return { username: ADMIN_ACCOUNT, password };
  }

  // --- accounts ---------------------------------------------------------------------------------

  listAccounts(): AccountDto[] {
    return [...this.accounts.values()].sort((a, b) => a.id.localeCompare(b.id)).map(accountDto);
  }

  getAccount(id: string): AccountDto | null {
    const a = this.accounts.get(id);
    return a ? accountDto(a) : null;
  }

  /**
   * Creates an account. Without `password` a one-time password is generated and returned (it must be
   * changed at the first sign-in); `password` is for tests and tools. Runners need their subject.
   */
  async createAccount(input: {
    id: string;
    role: Role;
    subject?: string | null;
    password?: string;
    mustChangePassword?: boolean;
    demo?: boolean;
  }): Promise<Result<{ account: AccountDto; oneTimePassword?: string }, Problem>> {
    if (!ACCOUNT_ID_RE.test(input.id)) {
      return fail('BAD_REQUEST', 'account ids are 2-32 characters of a-z 0-9 . _ -');
    }
    if (this.accounts.has(input.id)) return fail('CONFLICT', `account ${input.id} exists`);
    const subject = input.subject ?? null;
    const bad = roleSubjectProblem(input.role, subject);
    if (bad) return { ok: false, error: bad };
    const oneTime = input.demo || input.password !== undefined ? null : generatePassword();
    const password = input.password ?? oneTime;
    const account: StoredAccount = {
      id: input.id,
      role: input.role,
      subject,
      passwordHash:
        password === null ? null : await this.hashing.run(() => hashPassword(password, this.scryptParams)),
      mustChangePassword: input.mustChangePassword ?? oneTime !== null,
      demo: input.demo ?? false,
      disabled: false,
      createdAt: new Date(this.now()).toISOString(),
    };
    this.accounts.set(account.id, account);
    await this.save();
    this.log?.info({ account: account.id, role: account.role }, 'account created');
    return ok({ account: accountDto(account), ...(oneTime ? { oneTimePassword: oneTime } : {}) });
  }

  /** Changes an account (admins). Never leaves the server without an enabled admin. */
  async updateAccount(
    id: string,
    patch: AccountPatch,
  ): Promise<Result<{ account: AccountDto; oneTimePassword?: string }, Problem>> {
    const a = this.accounts.get(id);
    if (!a) return fail('NOT_FOUND', `no account ${id}`);
    const next: StoredAccount = {
      ...a,
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.subject !== undefined ? { subject: patch.subject } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
    };
    // A role change away from runner drops the subject link unless a new one is given.
    if (patch.role !== undefined && patch.role !== 'runner' && patch.subject === undefined)
      next.subject = null;
    const bad = roleSubjectProblem(next.role, next.subject);
    if (bad) return { ok: false, error: bad };
    const adminsLeft = [...this.accounts.values()].filter(
      (x) => x.id !== id && x.role === 'admin' && !x.disabled,
    ).length;
    if (a.role === 'admin' && !a.disabled && (next.role !== 'admin' || next.disabled) && adminsLeft === 0) {
      return fail('CONFLICT', 'this is the last enabled admin: create another admin first');
    }
    let oneTimePassword: string | undefined;
    if (patch.resetPassword) {
      oneTimePassword = generatePassword();
      const pw = oneTimePassword;
      next.passwordHash = await this.hashing.run(() => hashPassword(pw, this.scryptParams));
      next.mustChangePassword = true;
    }
    this.accounts.set(id, next);
    if (next.disabled || patch.resetPassword) this.endSessionsOf(id);
    if (next.disabled) {
      for (const t of this.daemonTokens.values()) if (t.createdBy === id) this.dropToken(t.id);
    }
    await this.save();
    this.log?.info(
      { account: id, role: next.role, disabled: next.disabled, passwordReset: patch.resetPassword === true },
      'account changed',
    );
    if (next.disabled || patch.resetPassword) this.notifyRevoked();
    return ok({ account: accountDto(next), ...(oneTimePassword ? { oneTimePassword } : {}) });
  }

  /** `hamstream start --reset-admin-password`: a new one-time password for `admin` (enabled again). */
  async resetAdminPassword(): Promise<FirstStart> {
    const password = generatePassword();
    const a = this.accounts.get(ADMIN_ACCOUNT);
    this.accounts.set(ADMIN_ACCOUNT, {
      id: ADMIN_ACCOUNT,
      role: 'admin',
      subject: null,
      demo: false,
      createdAt: a?.createdAt ?? new Date(this.now()).toISOString(),
      passwordHash: await hashPassword(password, this.scryptParams),
      mustChangePassword: true,
      disabled: false,
    });
    this.endSessionsOf(ADMIN_ACCOUNT);
    await this.save();
    this.log?.warn({ account: ADMIN_ACCOUNT }, 'admin password reset (one-time password printed)');
    this.notifyRevoked();
    return { username: ADMIN_ACCOUNT, password };
  }

  // --- sign-in ----------------------------------------------------------------------------------

  /**
   * Checks a user name and password, rate-limited per client address and per account (failures only).
   * Unknown, disabled and password-less accounts cost the same time as a wrong password and get the
   * same answer.
   */
  async login(input: {
    username: string;
    password: string;
    ip: string;
    via: 'cookie' | 'bearer';
  }): Promise<Result<SignIn, Problem>> {
    const nowMs = this.now();
    const id = input.username.trim().toLowerCase();
    const ipKey = `ip:${input.ip}`;
    const accountKey = `account:${id}`;
    const limited = this.limited([ipKey, accountKey], nowMs);
    if (limited) return { ok: false, error: limited };
    const account = this.accounts.get(id);
    const usable = account && !account.disabled && account.passwordHash !== null ? account : null;
    this.dummyHash ??= hashPassword(randomSecret(), this.scryptParams);
    const hash = usable?.passwordHash ?? (await this.dummyHash);
    const good = await this.hashing.run(() => verifyPassword(input.password, hash));
    if (!good || !usable) {
      this.perIp.record(ipKey, nowMs);
      // Only real accounts are named in the log: a user name field sometimes holds a password.
      this.perAccount.record(accountKey, nowMs);
      this.log?.warn({ ip: input.ip, ...(account ? { account: account.id } : {}) }, 'sign-in failed');
      return fail('UNAUTHORIZED', 'wrong user name or password');
    }
    this.perAccount.reset(accountKey);
    this.log?.info({ account: usable.id, ip: input.ip, via: input.via }, 'signed in');
    return ok(this.startSession(usable, input.via));
  }

  /**
   * The demo: `hamstream start --demo` calls this; the returned key (in the printed URL) signs the
   * browser in as the demo user, who owns only the demo's subjects. The key lives in memory only.
   */
  async enableDemo(): Promise<string> {
    if (!this.accounts.has(DEMO_ACCOUNT)) {
      const created = await this.createAccount({ id: DEMO_ACCOUNT, role: 'therapist', demo: true });
      if (!created.ok) throw new Error(created.error.message);
    }
    const key = randomSecret(24);
    this.demoKeyHash = secretHash(key);
    return key;
  }

  /** Signs in the demo user with the demo key (rate-limited like passwords). */
  demoLogin(input: { key: string; ip: string }): Result<SignIn, Problem> {
    const nowMs = this.now();
    const ipKey = `ip:${input.ip}`;
    const limited = this.limited([ipKey], nowMs);
    if (limited) return { ok: false, error: limited };
    const account = this.accounts.get(DEMO_ACCOUNT);
    // Comparing hashes: equal length, and a hit reveals nothing about the key.
    if (!this.demoKeyHash || !account || account.disabled || secretHash(input.key) !== this.demoKeyHash) {
      this.perIp.record(ipKey, nowMs);
      this.log?.warn({ ip: input.ip }, 'demo sign-in failed');
      return fail('UNAUTHORIZED', 'not a valid demo link');
    }
    this.log?.info({ account: account.id, ip: input.ip }, 'demo signed in');
    return ok(this.startSession(account, 'cookie'));
  }

  /** Changes the signed-in account's password; ends its other sign-ins. */
  async changePassword(
    p: AccountPrincipal,
    currentPassword: string,
    newPassword: string,
    ip: string,
  ): Promise<Result<AccountPrincipal, Problem>> {
    const nowMs = this.now();
    const accountKey = `account:${p.id}`;
    const limited = this.limited([accountKey], nowMs);
    if (limited) return { ok: false, error: limited };
    const account = this.accounts.get(p.id);
    if (!account || account.disabled || account.passwordHash === null) {
      return fail('FORBIDDEN', 'this account has no password to change');
    }
    const hash = account.passwordHash;
    if (!(await this.hashing.run(() => verifyPassword(currentPassword, hash)))) {
      this.perAccount.record(accountKey, nowMs);
      this.log?.warn({ account: p.id, ip }, 'password change refused: wrong current password');
      return fail('UNAUTHORIZED', 'the current password is wrong');
    }
    if (currentPassword === newPassword) return fail('BAD_REQUEST', 'choose a new password');
    if (newPassword.toLowerCase().includes(p.id)) {
      return fail('BAD_REQUEST', 'the password must not contain the user name');
    }
    const next = {
      ...account,
      passwordHash: await this.hashing.run(() => hashPassword(newPassword, this.scryptParams)),
      mustChangePassword: false,
    };
    this.accounts.set(p.id, next);
    this.endSessionsOf(p.id, p.sessionKey);
    await this.save();
    this.log?.info({ account: p.id, ip }, 'password changed');
    this.notifyRevoked();
    return ok({ ...p, mustChangePassword: false });
  }

  logout(p: AccountPrincipal): void {
    if (this.sessions.delete(p.sessionKey)) {
      this.log?.info({ account: p.id }, 'signed out');
      this.notifyRevoked();
    }
  }

  // --- credentials → principal --------------------------------------------------------------------

  /** The principal a bearer secret or cookie value stands for, or null (unknown, expired, revoked). */
  authenticate(token: string, via: 'cookie' | 'bearer'): Principal | null {
    if (token.startsWith(SESSION_TOKEN_PREFIX)) {
      const p = this.sessionPrincipal(secretHash(token));
      return p && p.via === via ? p : null;
    }
    // Daemon tokens are bearer-only: a browser never holds one.
    if (via === 'bearer' && token.startsWith(DAEMON_TOKEN_PREFIX)) return this.daemonPrincipal(token);
    return null;
  }

  /** The same principal as of now (null once expired, revoked or disabled). Cheap: map lookups. */
  refresh(p: Principal): Principal | null {
    if (p.kind === 'account') return this.sessionPrincipal(p.sessionKey);
    const t = this.daemonTokens.get(p.id);
    return t ? this.tokenPrincipal(t) : null;
  }

  /** Called after any sign-in ends or token is revoked (sockets re-check their principals). */
  onRevoke(listener: RevokeListener): () => void {
    this.revokeListeners.add(listener);
    return () => this.revokeListeners.delete(listener);
  }

  me(p: AccountPrincipal): MeDto {
    return {
      id: p.id,
      role: p.role,
      subject: p.subject,
      demo: p.demo,
      mustChangePassword: p.mustChangePassword,
    };
  }

  // --- daemon tokens ------------------------------------------------------------------------------

  /**
   * A token for an ingest daemon, bound to `sessions` (the caller checked the creator may write them).
   * The secret is returned once; only its hash is kept. `persist: false` keeps it in memory (the demo).
   */
  async createDaemonToken(input: {
    sessions: readonly string[];
    createdBy: string;
    label?: string | null;
    ttlMs?: number;
    persist?: boolean;
  }): Promise<{ secret: string; token: StoredDaemonToken }> {
    const { id, token: secret } = newDaemonToken();
    const nowMs = this.now();
    const token: StoredDaemonToken = {
      id,
      hash: secretHash(secret),
      sessions: [...new Set(input.sessions)],
      label: input.label ?? null,
      createdBy: input.createdBy,
      createdAt: new Date(nowMs).toISOString(),
      expiresAt: new Date(nowMs + (input.ttlMs ?? this.daemonTokenTtlMs)).toISOString(),
    };
    this.daemonTokens.set(id, token);
    if (input.persist === false) this.ephemeralTokens.add(id);
    else await this.save();
    this.log?.info({ tokenId: id, sessions: token.sessions, by: input.createdBy }, 'daemon token created');
    return { secret, token };
  }

  listDaemonTokens(): StoredDaemonToken[] {
    const nowMs = this.now();
    return [...this.daemonTokens.values()]
      .filter((t) => Date.parse(t.expiresAt) > nowMs)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  getDaemonToken(id: string): StoredDaemonToken | null {
    return this.daemonTokens.get(id) ?? null;
  }

  async revokeDaemonToken(id: string): Promise<boolean> {
    const persisted = this.daemonTokens.has(id) && !this.ephemeralTokens.has(id);
    if (!this.dropToken(id)) return false;
    if (persisted) await this.save();
    this.log?.info({ tokenId: id }, 'daemon token revoked');
    this.notifyRevoked();
    return true;
  }

  // --- internals ----------------------------------------------------------------------------------

  private limited(keys: string[], nowMs: number): Problem | null {
    let retryAfterMs = 0;
    for (const key of keys) {
      const limiter = key.startsWith('ip:') ? this.perIp : this.perAccount;
      const c = limiter.check(key, nowMs);
      if (!c.allowed) retryAfterMs = Math.max(retryAfterMs, c.retryAfterMs);
    }
    if (retryAfterMs === 0) return null;
    this.log?.warn({ retryAfterS: Math.ceil(retryAfterMs / 1000) }, 'sign-in rate limited');
    return {
      ...problem('TOO_MANY_REQUESTS', 'too many failed sign-ins; try again later'),
      retryAfterS: Math.ceil(retryAfterMs / 1000),
    };
  }

  private startSession(account: StoredAccount, via: 'cookie' | 'bearer'): SignIn {
    const nowMs = this.now();
    this.sweepSessions(nowMs);
    const mine = [...this.sessions.entries()].filter(([, s]) => s.accountId === account.id);
    if (mine.length >= MAX_SESSIONS_PER_ACCOUNT) {
      for (const [key] of mine.slice(0, mine.length - MAX_SESSIONS_PER_ACCOUNT + 1))
        this.sessions.delete(key);
    }
    const token = newSessionToken();
    const key = secretHash(token);
    const expiresAtMs = nowMs + this.sessionTtlMs;
    this.sessions.set(key, { accountId: account.id, via, createdAtMs: nowMs, expiresAtMs });
    return { token, expiresAtMs, ttlMs: this.sessionTtlMs, principal: this.sessionPrincipal(key)! };
  }

  private sessionPrincipal(key: string): AccountPrincipal | null {
    const s = this.sessions.get(key);
    if (!s) return null;
    if (s.expiresAtMs <= this.now()) {
      this.sessions.delete(key);
      return null;
    }
    const a = this.accounts.get(s.accountId);
    if (!a || a.disabled) return null;
    return {
      kind: 'account',
      id: a.id,
      role: a.role,
      subject: a.subject,
      demo: a.demo,
      mustChangePassword: a.mustChangePassword,
      via: s.via,
      sessionKey: key,
      expiresAtMs: s.expiresAtMs,
    };
  }

  private daemonPrincipal(token: string): DaemonPrincipal | null {
    const parsed = parseDaemonToken(token);
    if (!parsed) return null;
    const t = this.daemonTokens.get(parsed.id);
    // Hash comparison: both are 64 hex characters of SHA-256; equality of hashes leaks nothing useful.
    if (!t || t.hash !== secretHash(token)) return null;
    return this.tokenPrincipal(t);
  }

  private tokenPrincipal(t: StoredDaemonToken): DaemonPrincipal | null {
    const expiresAtMs = Date.parse(t.expiresAt);
    if (!(expiresAtMs > this.now())) return null;
    const creator = this.accounts.get(t.createdBy);
    if (!creator || creator.disabled) return null;
    return { kind: 'daemon', id: t.id, sessions: t.sessions, createdBy: t.createdBy, expiresAtMs };
  }

  private sweepSessions(nowMs: number): void {
    for (const [key, s] of this.sessions) if (s.expiresAtMs <= nowMs) this.sessions.delete(key);
  }

  private endSessionsOf(accountId: string, except?: string): void {
    for (const [key, s] of this.sessions) {
      if (s.accountId === accountId && key !== except) this.sessions.delete(key);
    }
  }

  private dropToken(id: string): boolean {
    this.ephemeralTokens.delete(id);
    return this.daemonTokens.delete(id);
  }

  private notifyRevoked(): void {
    for (const l of this.revokeListeners) l();
  }

  private save(): Promise<void> {
    const file: AccountsFile = {
      version: 1,
      accounts: [...this.accounts.values()],
      daemonTokens: [...this.daemonTokens.values()].filter((t) => !this.ephemeralTokens.has(t.id)),
    };
    return this.writer.write(file);
  }
}

function roleSubjectProblem(role: Role, subject: string | null): Problem | null {
  if (role === 'runner' && subject === null) {
    return problem('BAD_REQUEST', 'a runner account needs its subject id');
  }
  if (role !== 'runner' && subject !== null) {
    return problem('BAD_REQUEST', 'only runner accounts are linked to a subject');
  }
  return null;
}

export function accountDto(a: StoredAccount): AccountDto {
  return {
    id: a.id,
    role: a.role,
    subject: a.subject,
    demo: a.demo,
    mustChangePassword: a.mustChangePassword,
    disabled: a.disabled,
    createdAt: a.createdAt,
  };
}
