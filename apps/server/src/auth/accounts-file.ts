import { chmod, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Role } from './principal.js';

/** One account as stored (`DATA/accounts.json`). */
export interface StoredAccount {
  id: string;
  role: Role;
  subject: string | null;
  /** `scrypt$…` (see password.ts); null: cannot sign in with a password (the demo user). */
  passwordHash: string | null;
  mustChangePassword: boolean;
  demo: boolean;
  disabled: boolean;
  createdAt: string;
}

/** A daemon token as stored: the SHA-256 of its secret, never the secret. */
export interface StoredDaemonToken {
  id: string;
  hash: string;
  sessions: string[];
  label: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
}

export interface AccountsFile {
  version: 1;
  accounts: StoredAccount[];
  daemonTokens: StoredDaemonToken[];
}

/** Owner read/write only: the file holds password hashes and token hashes. */
export const ACCOUNTS_FILE_MODE = 0o600;

/**
 * Reads the accounts file; null when there is none. A file that cannot be parsed is an error (never
 * silently replaced: that would create a fresh admin over someone's accounts). Tightens the mode to
 * 0600 when it is looser (a copy made by hand) and says so.
 */
export async function readAccountsFile(
  path: string,
): Promise<{ file: AccountsFile; tightenedFrom: number | null } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON: fix or restore it (the server will not start over it)`);
  }
  const file = parsed as Partial<AccountsFile>;
  if (file.version !== 1 || !Array.isArray(file.accounts) || !Array.isArray(file.daemonTokens)) {
    throw new Error(`${path}: not a hamstream accounts file (version 1)`);
  }
  const mode = (await stat(path)).mode & 0o777;
  let tightenedFrom: number | null = null;
  if (mode !== ACCOUNTS_FILE_MODE) {
    await chmod(path, ACCOUNTS_FILE_MODE);
    tightenedFrom = mode;
  }
  return { file: file as AccountsFile, tightenedFrom };
}

/**
 * Writes the accounts file atomically and durably (temp file created 0600, fsync, rename), one write
 * at a time; the latest state wins. Unlike the metadata writer, failures reach the caller: a password
 * change that was not stored must not be reported as done.
 */
export class AccountsFileWriter {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  write(file: AccountsFile): Promise<void> {
    const text = `${JSON.stringify(file, null, 1)}\n`;
    const run = this.chain.then(() => this.writeNow(text));
    // The chain continues after a failure; the caller of the failed write gets the error.
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async writeNow(text: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    const fh = await open(tmp, 'w', ACCOUNTS_FILE_MODE);
    try {
      // `open`'s mode is masked by the umask and ignored for an existing file: set it explicitly.
      await fh.chmod(ACCOUNTS_FILE_MODE);
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
  }
}
