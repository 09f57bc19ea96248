import { KNOWN_ACTIVITIES, type SessionLiveState, SIDES } from '@hamstream/protocol';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { RomBars, TraceChart } from '../components/charts.js';
import { HistoryPanel } from '../components/history-panel.js';
import { Alerts, SensorChips, Stat } from '../components/status.js';
import { fmtActivity, fmtNumber } from '../format.js';
import type { LiveClient } from '../live-client.js';
import { emptySessionView } from '../model.js';

export function useSessionView(client: LiveClient, session: string) {
  useEffect(() => client.watch({ view: 'session', session }), [client, session]);
  return client.sessions.get(session) ?? emptySessionView();
}

/** Set controls: activity + side, start/stop (each writes a mark into the recording), end session. */
export function SetControls({ state }: { state: SessionLiveState }) {
  const [activity, setActivity] = useState<string>(state.activity ?? state.sets[0]?.activity ?? 'bridge');
  const [side, setSide] = useState<string>(state.side ?? 'right');
  const [error, setError] = useState<string | null>(null);
  const run = (p: Promise<unknown>) => {
    setError(null);
    p.catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  const ended = state.status === 'ended';
  return (
    <div class="controls">
      <select
        value={activity}
        onChange={(e) => setActivity(e.currentTarget.value)}
        disabled={ended}
        aria-label="activity"
      >
        {KNOWN_ACTIVITIES.map((a) => (
          <option key={a} value={a}>
            {a.replace(/-/g, ' ')}
          </option>
        ))}
      </select>
      <select
        value={side}
        onChange={(e) => setSide(e.currentTarget.value)}
        disabled={ended}
        aria-label="side"
      >
        {SIDES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <button
        type="button"
        class="primary"
        disabled={ended}
        onClick={() => run(api.startSet(state.session, activity, side))}
      >
        Start set
      </button>
      <button
        type="button"
        disabled={ended || state.activity === null}
        onClick={() => run(api.stopSet(state.session))}
      >
        Stop set
      </button>
      <button
        type="button"
        class="danger"
        disabled={ended}
        onClick={() => {
          if (confirm(`End session ${state.session}? Its summary is then final.`))
            run(api.endSession(state.session));
        }}
      >
        End session
      </button>
      {error ? <span class="error">{error}</span> : null}
    </div>
  );
}

/** ROM target of the current activity, editable (saved for the subject, or `default`). */
function RomTarget({ state }: { state: SessionLiveState }) {
  const [value, setValue] = useState('');
  const activity = state.sets.find((s) => s.device === state.primaryDevice)?.activity ?? state.activity;
  if (!activity) return null;
  const save = async () => {
    const deg = Number(value);
    if (!Number.isFinite(deg) || deg <= 0) return;
    const subject = state.subject ?? 'default';
    const current = await api.targets(subject);
    await api.putTargets(subject, {
      romDeg: { ...current.romDeg, [activity]: deg },
      cadence: current.cadence,
    });
    setValue('');
  };
  return (
    <form
      class="target-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label>
        ROM target ({activity.replace(/-/g, ' ')})
        <input
          inputMode="decimal"
          placeholder={fmtNumber(state.romTargetDeg)}
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        °
      </label>
      <button type="submit">Set</button>
    </form>
  );
}

export function SessionView({ client, session }: { client: LiveClient; session: string }) {
  const view = useSessionView(client, session);
  const s = view.state;
  if (!s) return <main class="loading">Connecting to {session}…</main>;
  const primarySet = s.sets.find((x) => x.device === s.primaryDevice) ?? null;
  const romBelow = s.lastRomDeg !== null && s.romTargetDeg !== null && s.lastRomDeg < s.romTargetDeg;
  const version = client.changeCount;
  return (
    <main class="session">
      <header class="view-head">
        <div>
          <h1>{s.subject ?? s.session}</h1>
          <div class="activity">
            {fmtActivity(s.activity, s.side)} · {s.status}
            {s.ingestOnline ? '' : ' · ingest offline'}
          </div>
        </div>
        <SetControls state={s} />
      </header>
      <Alerts alerts={s.alerts} />
      <section class="stats">
        <Stat big label={`reps · set ${s.setCount}`} value={String(s.repCount)} testId="rep-count" />
        <Stat
          big
          label={s.romTargetDeg !== null ? `last ROM · target ${fmtNumber(s.romTargetDeg)}°` : 'last ROM'}
          value={fmtNumber(s.lastRomDeg)}
          unit="°"
          testId="rom-last"
          tone={s.romTargetDeg === null ? null : romBelow ? 'bad' : 'ok'}
        />
        <Stat label="total reps" value={String(s.repTotal)} testId="rep-total" />
        <Stat
          compact
          label="tempo up · hold · down (s)"
          value={
            s.tempo
              ? `${fmtNumber(s.tempo.concentricS, 1)} / ${fmtNumber(s.tempo.holdS, 1)} / ${fmtNumber(s.tempo.eccentricS, 1)}`
              : '–'
          }
          testId="tempo"
        />
        {s.breakDeg !== null ? (
          <Stat label="Nordic break angle" value={fmtNumber(s.breakDeg)} unit="°" testId="break-deg" />
        ) : null}
      </section>
      <section class="panel">
        <h2>Angle</h2>
        <TraceChart
          traces={view.angle}
          receivedAtMs={view.receivedAtMs}
          version={version}
          unit="°"
          testId="angle-chart"
        />
      </section>
      <section class="panel">
        <h2>ROM per rep</h2>
        <RomBars reps={primarySet?.reps ?? []} targetDeg={s.romTargetDeg} version={version} />
        <RomTarget state={s} />
      </section>
      {view.force.size > 0 || s.force ? (
        <section class="panel">
          <h2>Force</h2>
          <div class="stats small">
            <Stat label="peak" value={fmtNumber(s.force?.peakForceN)} unit="N" testId="force-peak" />
            <Stat label="RFD 0–100 ms" value={fmtNumber(s.force?.rfd100NPerS)} unit="N/s" testId="rfd-100" />
            <Stat label="RFD 0–200 ms" value={fmtNumber(s.force?.rfd200NPerS)} unit="N/s" />
          </div>
          <TraceChart
            traces={view.force}
            receivedAtMs={view.receivedAtMs}
            version={version}
            unit=" N"
            height={200}
            testId="force-chart"
          />
        </section>
      ) : null}
      {s.subject ? <HistoryPanel subject={s.subject} refreshKey={s.status} /> : null}
      <SensorChips devices={s.devices} />
    </main>
  );
}
