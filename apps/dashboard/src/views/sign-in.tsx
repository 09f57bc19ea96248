import type { MeDto } from '@hamstream/protocol';
import { useState } from 'preact/hooks';
import { api } from '../api.js';

/** The sign-in form: user name and password; the server sets the HttpOnly session cookie. */
export function SignIn({ onSignedIn }: { onSignedIn: (me: MeDto) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn((await api.login(username, password)).account);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="auth" onSubmit={submit} data-testid="sign-in">
      <h1 class="brand">hamstream</h1>
      <label>
        User name
        <input
          name="username"
          autocomplete="username"
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
          required
        />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autocomplete="current-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          required
        />
      </label>
      {error ? (
        <p class="auth-error" role="alert">
          {error}
        </p>
      ) : null}
      <button class="primary" type="submit" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}

/** After a one-time password: the server answers nothing else until it is changed. */
export function ChangePassword({ me, onChanged }: { me: MeDto; onChanged: (me: MeDto) => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (next !== again) {
      setError('the new passwords differ');
      return;
    }
    try {
      onChanged(await api.changePassword(current, next));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="auth" onSubmit={submit} data-testid="change-password">
      <h1 class="brand">hamstream</h1>
      <p>
        Signed in as <strong>{me.id}</strong> with a one-time password: choose your own (12 characters or
        more; a few words make a good one).
      </p>
      {/* For password managers: which account the new password belongs to. */}
      <input type="text" name="username" autocomplete="username" value={me.id} readOnly hidden />
      <label>
        One-time password
        <input
          type="password"
          autocomplete="current-password"
          value={current}
          onInput={(e) => setCurrent(e.currentTarget.value)}
          required
        />
      </label>
      <label>
        New password
        <input
          type="password"
          autocomplete="new-password"
          minLength={12}
          value={next}
          onInput={(e) => setNext(e.currentTarget.value)}
          required
        />
      </label>
      <label>
        New password again
        <input
          type="password"
          autocomplete="new-password"
          minLength={12}
          value={again}
          onInput={(e) => setAgain(e.currentTarget.value)}
          required
        />
      </label>
      {error ? (
        <p class="auth-error" role="alert">
          {error}
        </p>
      ) : null}
      <button class="primary" type="submit">
        Save password
      </button>
    </form>
  );
}
