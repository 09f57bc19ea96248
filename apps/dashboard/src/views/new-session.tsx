import type { SessionDto, SubjectDto } from '@hamstream/protocol';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Field, FormError, useSubmit } from '../components/form.js';

/** Ids the server accepts for subjects and sessions (IdSchema). */
const ID_PATTERN = '[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}';

interface Created {
  session: SessionDto;
  secret: string;
  expiresAt: string;
}

/** Single-quoted for a POSIX shell (ids and secrets are plain, but the command is meant to be pasted). */
const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The command that starts the ingest daemon for a created session. */
export function ingestCommand(origin: string, created: { session: SessionDto; secret: string }): string {
  const { session, secret } = created;
  return [
    'hamstream ingest --config sensors.json',
    `--server ${shellQuote(origin)}`,
    `--session ${shellQuote(session.id)}`,
    ...(session.subject ? [`--subject ${shellQuote(session.subject)}`] : []),
    `--token ${shellQuote(secret)}`,
    `--record ${shellQuote(`${session.id}.rec.jsonl.gz`)}`,
  ].join(' \\\n  ');
}

/**
 * A therapist starts a session for a subject: the subject (created if new), the session, and a token
 * for the ingest daemon bound to that session alone, with the command line to run next to the sensors.
 */
export function NewSession() {
  const [subjects, setSubjects] = useState<SubjectDto[]>([]);
  const [subject, setSubject] = useState('');
  const [sessionId, setSessionId] = useState('');
  const [created, setCreated] = useState<Created | null>(null);
  const [copied, setCopied] = useState(false);
  const { busy, error, run } = useSubmit();
  useEffect(() => {
    api.subjects().then(setSubjects, () => setSubjects([]));
  }, []);

  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const id = subject.trim();
      if (!subjects.some((s) => s.id === id)) {
        const made = await api.createSubject(id);
        setSubjects((list) => [...list, made]);
      }
      const sessionIdTrimmed = sessionId.trim();
      const session = await api.createSession({
        subject: id,
        ...(sessionIdTrimmed ? { id: sessionIdTrimmed } : {}),
      });
      const token = await api.createDaemonToken([session.id], `${id} · ${session.id}`);
      setCreated({ session, secret: token.secret, expiresAt: token.token.expiresAt });
      setCopied(false);
    });
  };

  if (created) {
    const command = ingestCommand(location.origin, created);
    const copy = () => {
      navigator.clipboard?.writeText(command.replace(/ \\\n {2}/g, ' ')).then(
        () => setCopied(true),
        () => setCopied(false),
      );
    };
    return (
      <main class="new-session" data-testid="session-created">
        <h1>
          Session <span data-testid="created-session">{created.session.id}</span> for{' '}
          {created.session.subject}
        </h1>
        <ol>
          <li>
            On the computer next to the sensors, find them: <code>hamstream scan</code>, and list them in{' '}
            <code>sensors.json</code> (id, driver, placement, side, name or address).
          </li>
          <li>
            Start the ingest daemon with this command. The token works for this session only, until{' '}
            {new Date(created.expiresAt).toLocaleString()}; it is shown once: copy it now.
            <pre class="command" data-testid="ingest-command">
              {command}
            </pre>
            <button type="button" onClick={copy}>
              {copied ? 'Copied' : 'Copy command'}
            </button>
          </li>
          <li>
            The session appears on the <a href="#/">wall</a> as soon as data flows; open it at{' '}
            <a href={`#/session/${encodeURIComponent(created.session.id)}`}>its session view</a>.
          </li>
        </ol>
        <button type="button" onClick={() => setCreated(null)}>
          Another session
        </button>
      </main>
    );
  }

  return (
    <main class="new-session">
      <form class="auth" onSubmit={submit} data-testid="new-session">
        <h1>New session</h1>
        <p>Subjects are pseudonymous ids: never a name.</p>
        <Field
          label="Subject"
          name="subject"
          autocomplete="off"
          pattern={ID_PATTERN}
          hint="letters, digits, . _ - (at most 64)"
          list="known-subjects"
          value={subject}
          onValue={setSubject}
        />
        <datalist id="known-subjects">
          {subjects.map((s) => (
            <option key={s.id} value={s.id} />
          ))}
        </datalist>
        <Field
          label="Session id (optional: one is made up)"
          name="session"
          autocomplete="off"
          pattern={ID_PATTERN}
          optional
          value={sessionId}
          onValue={setSessionId}
        />
        <FormError error={error} />
        <button class="primary" type="submit" disabled={busy}>
          Create session
        </button>
      </form>
    </main>
  );
}
