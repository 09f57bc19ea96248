import type { AccountDto, Role, SubjectDto } from '@hamstream/protocol';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Field, FormError, useSubmit } from '../components/form.js';

/** Account ids the server accepts (AccountIdSchema): lower case, 2–32 characters. */
const ACCOUNT_ID_PATTERN = '[a-z0-9][a-z0-9._\\-]{1,31}';

/** A one-time password to hand over, shown once. */
interface Handover {
  account: string;
  password: string;
}

function status(a: AccountDto): string {
  if (a.disabled) return 'disabled';
  if (a.demo) return 'demo';
  if (a.mustChangePassword) return 'one-time password not yet changed';
  return 'active';
}

/**
 * Admins: who may sign in. New accounts and password resets answer a one-time password, shown here once,
 * which its owner must change at the first sign-in; disabling ends the account's sign-ins and tokens.
 */
export function Accounts({ me }: { me: string }) {
  const [accounts, setAccounts] = useState<AccountDto[]>([]);
  const [subjects, setSubjects] = useState<SubjectDto[]>([]);
  const [id, setId] = useState('');
  const [role, setRole] = useState<Role>('therapist');
  const [subject, setSubject] = useState('');
  const [handover, setHandover] = useState<Handover | null>(null);
  const create = useSubmit();
  const act = useSubmit();
  const reload = () => api.accounts().then(setAccounts, () => setAccounts([]));
  useEffect(() => {
    void reload();
    api.subjects().then(setSubjects, () => setSubjects([]));
  }, []);

  const submit = (e: Event) => {
    e.preventDefault();
    void create.run(async () => {
      const result = await api.createAccount({
        id: id.trim(),
        role,
        ...(role === 'runner' ? { subject: subject.trim() } : {}),
      });
      if (result.oneTimePassword)
        setHandover({ account: result.account.id, password: result.oneTimePassword });
      setId('');
      setSubject('');
      await reload();
    });
  };
  const resetPassword = (a: AccountDto) =>
    act.run(async () => {
      const result = await api.updateAccount(a.id, { resetPassword: true });
      if (result.oneTimePassword) setHandover({ account: a.id, password: result.oneTimePassword });
      await reload();
    });
  const setDisabled = (a: AccountDto, disabled: boolean) =>
    act.run(async () => {
      await api.updateAccount(a.id, { disabled });
      await reload();
    });

  return (
    <main class="accounts" data-testid="accounts">
      <h1>Accounts</h1>
      {handover ? (
        <div class="handover" role="status" data-testid="one-time-password">
          One-time password for <strong>{handover.account}</strong>:{' '}
          <code data-testid="one-time-password-value">{handover.password}</code> — hand it over now; it is not
          shown again and must be changed at the first sign-in.{' '}
          <button type="button" onClick={() => setHandover(null)}>
            Done
          </button>
        </div>
      ) : null}
      <FormError error={act.error} />
      <table>
        <thead>
          <tr>
            <th>Account</th>
            <th>Role</th>
            <th>Subject</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr key={a.id} data-account={a.id}>
              <td>{a.id}</td>
              <td>{a.role}</td>
              <td>{a.subject ?? ''}</td>
              <td>{status(a)}</td>
              <td>
                {a.demo || a.id === me ? null : (
                  <div class="actions">
                    <button type="button" disabled={act.busy} onClick={() => void resetPassword(a)}>
                      Reset password
                    </button>
                    <button
                      type="button"
                      disabled={act.busy}
                      onClick={() => void setDisabled(a, !a.disabled)}
                    >
                      {a.disabled ? 'Enable' : 'Disable'}
                    </button>
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="auth" onSubmit={submit} data-testid="new-account">
        <h2>New account</h2>
        <Field
          label="User name"
          name="account"
          autocomplete="off"
          pattern={ACCOUNT_ID_PATTERN}
          hint="lower case letters, digits, . _ - (2–32)"
          value={id}
          onValue={setId}
        />
        <label>
          Role
          <select
            name="role"
            value={role}
            onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as Role)}
          >
            <option value="therapist">therapist</option>
            <option value="runner">runner</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <p class="hint">
          Therapists see and run their own subjects' sessions; a runner sees only their own subject's data;
          admins see everything and manage accounts.
        </p>
        {role === 'runner' ? (
          <>
            <Field
              label="The runner's subject"
              name="subject"
              autocomplete="off"
              list="account-subjects"
              value={subject}
              onValue={setSubject}
            />
            <datalist id="account-subjects">
              {subjects.map((s) => (
                <option key={s.id} value={s.id} />
              ))}
            </datalist>
          </>
        ) : null}
        <FormError error={create.error} />
        <button class="primary" type="submit" disabled={create.busy}>
          Create account
        </button>
      </form>
    </main>
  );
}
