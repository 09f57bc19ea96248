import type { MeDto } from '@hamstream/protocol';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Field, FormError, useSubmit } from '../components/form.js';

/** The sign-in form: user name and password; the server sets the HttpOnly session cookie. */
export function SignIn({ onSignedIn }: { onSignedIn: (me: MeDto) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    void run(
      async () => onSignedIn((await api.login(username, password)).account),
      () => setPassword(''),
    );
  };
  return (
    <form class="auth" onSubmit={submit} data-testid="sign-in">
      <h1 class="brand">hamstream</h1>
      <Field
        label="User name"
        name="username"
        autocomplete="username"
        value={username}
        onValue={setUsername}
      />
      <Field
        label="Password"
        name="password"
        secret
        autocomplete="current-password"
        value={password}
        onValue={setPassword}
      />
      <FormError error={error} />
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
  const { busy, error, setError, run } = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    if (next !== again) {
      setError('the new passwords differ');
      return;
    }
    void run(async () => onChanged(await api.changePassword(current, next)));
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
      <Field
        label="One-time password"
        secret
        autocomplete="current-password"
        value={current}
        onValue={setCurrent}
      />
      <Field
        label="New password"
        secret
        autocomplete="new-password"
        minLength={12}
        value={next}
        onValue={setNext}
      />
      <Field
        label="New password again"
        secret
        autocomplete="new-password"
        minLength={12}
        value={again}
        onValue={setAgain}
      />
      <FormError error={error} />
      <button class="primary" type="submit" disabled={busy}>
        Save password
      </button>
    </form>
  );
}
