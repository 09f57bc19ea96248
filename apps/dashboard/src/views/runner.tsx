import { useEffect, useRef, useState } from 'preact/hooks';
import { CadenceChart } from '../components/charts.js';
import { Alerts, SensorChips, Stat } from '../components/status.js';
import { fmtCadence, fmtDuration, fmtNumber, fmtSignedPct } from '../format.js';
import type { LiveClient } from '../live-client.js';
import { Metronome } from '../metronome.js';
import { SetControls, useSessionView } from './session.js';

/** Runner view: one big cadence number, change vs baseline, the target band, time in zone, metronome. */
export function RunnerView({ client, session }: { client: LiveClient; session: string }) {
  const view = useSessionView(client, session);
  const metronome = useRef<Metronome | null>(null);
  const [beeping, setBeeping] = useState(false);
  const s = view.state;
  const zone = s?.cadenceZone ?? null;
  const beatSpm = zone?.targetSpm ?? s?.cadence?.spm ?? null;

  useEffect(() => () => metronome.current?.stop(), []);
  useEffect(() => {
    if (beatSpm !== null) metronome.current?.setRate(beatSpm);
  }, [beatSpm]);

  if (!s) return <main class="loading">Connecting to {session}…</main>;
  const c = s.cadence;
  const inZone = zone?.inZone ?? null;
  const zonePct = zone && zone.zonedS > 0 ? (100 * zone.inZoneS) / zone.zonedS : null;
  const toggle = () => {
    metronome.current ??= new Metronome();
    if (metronome.current.running) {
      metronome.current.stop();
      setBeeping(false);
    } else if (beatSpm !== null) {
      metronome.current.start(beatSpm);
      setBeeping(true);
    }
  };
  return (
    <main class="runner">
      <header class="view-head">
        <div>
          <h1>{s.subject ?? s.session}</h1>
          <div class="activity">
            running · {s.status}
            {s.ingestOnline ? '' : ' · ingest offline'}
          </div>
        </div>
        <SetControls state={s} />
      </header>
      <Alerts alerts={s.alerts} />
      <section class={`cadence-hero ${inZone === true ? 'ok' : inZone === false ? 'bad' : ''}`}>
        <div class="hero-number">
          <span data-testid="cadence-spm" data-t-s={c ? String(c.tS) : ''}>
            {fmtCadence(c?.spm)}
          </span>
          <span class="unit">steps/min</span>
        </div>
        <div class="hero-sub" data-testid="cadence-change">
          {fmtSignedPct(c?.changePct)} vs baseline {fmtNumber(s.cadenceBaselineSpm)}
        </div>
      </section>
      <section class="stats">
        <Stat
          label={
            zone ? `target band (${fmtSignedPct(zone.changePct, 0)} ± ${zone.tolerancePct} %)` : 'target band'
          }
          value={
            zone && zone.lowSpm !== null && zone.highSpm !== null
              ? `${fmtNumber(zone.lowSpm)}–${fmtNumber(zone.highSpm)}`
              : '–'
          }
          unit="spm"
          testId="cadence-band"
        />
        <Stat
          label={`time in zone · ${fmtDuration(zone?.inZoneS)} of ${fmtDuration(zone?.zonedS)}`}
          value={fmtNumber(zonePct)}
          unit="%"
          testId="time-in-zone"
        />
        <div class="stat">
          <button
            type="button"
            class={`metronome ${beeping ? 'on' : ''}`}
            onClick={toggle}
            disabled={beatSpm === null}
          >
            {beeping ? '■ Metronome' : '▶ Metronome'} {fmtNumber(beatSpm)}
          </button>
          <div class="label">Web Audio, at the target cadence</div>
        </div>
      </section>
      <section class="panel">
        <h2>Cadence</h2>
        <CadenceChart
          points={view.cadence}
          band={{ lowSpm: zone?.lowSpm ?? null, highSpm: zone?.highSpm ?? null }}
          version={client.changeCount}
        />
        <div class="per-device">
          {s.cadenceByDevice.map((d) => (
            <span key={d.device}>
              {d.device}: {fmtNumber(d.spm, 1)} spm
            </span>
          ))}
        </div>
      </section>
      <SensorChips devices={s.devices} />
    </main>
  );
}
