import type { WallTile } from '@hamstream/protocol';
import { useEffect } from 'preact/hooks';
import { Alerts, SensorChips } from '../components/status.js';
import { fmtActivity, fmtCadence, fmtNumber, fmtSignedPct } from '../format.js';
import type { LiveClient } from '../live-client.js';
import { sortedTiles } from '../model.js';

export function viewHref(t: Pick<WallTile, 'session' | 'kind'>): string {
  return `#/${t.kind === 'run' ? 'runner' : 'session'}/${encodeURIComponent(t.session)}`;
}

function Tile({ t }: { t: WallTile }) {
  const romBelow = t.lastRomDeg !== null && t.romTargetDeg !== null && t.lastRomDeg < t.romTargetDeg;
  return (
    <a
      class={`tile ${t.alerts.length > 0 ? 'alerting' : ''} ${t.ingestOnline ? '' : 'offline'}`}
      href={viewHref(t)}
      data-testid="session-tile"
      data-session={t.session}
      data-kind={t.kind}
    >
      <div class="tile-head">
        <span class="subject">{t.subject ?? t.session}</span>
        <span class="activity">{fmtActivity(t.activity, t.side)}</span>
      </div>
      {t.kind === 'run' ? (
        <div class="tile-main">
          <div
            class={`big-number ${t.cadenceInZone === true ? 'ok' : t.cadenceInZone === false ? 'warn' : ''}`}
          >
            <span data-testid="cadence-spm">{fmtCadence(t.cadenceSpm)}</span>
            <span class="unit">spm</span>
          </div>
          <div class="sub">{fmtSignedPct(t.cadenceChangePct)} vs baseline</div>
          <div class="sub">
            {t.cadenceTimeInZonePct !== null
              ? `${fmtNumber(t.cadenceTimeInZonePct)} % of the time in the target band`
              : 'target band once the baseline is known'}
          </div>
        </div>
      ) : (
        <div class="tile-main">
          <div class="big-number">
            <span data-testid="rep-count">{t.repCount}</span>
            <span class="unit">reps</span>
          </div>
          <div class="sub">
            set {t.setCount} · <span data-testid="rep-total">{t.repTotal}</span> total
          </div>
          <div class={`rom ${romBelow ? 'bad' : t.romTargetDeg !== null ? 'ok' : ''}`}>
            ROM <span data-testid="rom-last">{fmtNumber(t.lastRomDeg)}</span>°
            {t.romTargetDeg !== null ? <span class="target"> / {fmtNumber(t.romTargetDeg)}°</span> : null}
          </div>
          {t.peakForceN !== null ? <div class="sub">peak force {fmtNumber(t.peakForceN)} N</div> : null}
        </div>
      )}
      <SensorChips devices={t.devices} />
      <Alerts alerts={t.alerts} />
      {t.ingestOnline ? null : <div class="offline-note">ingest offline</div>}
    </a>
  );
}

/** The therapist wall: every live session at once. */
export function Wall({ client }: { client: LiveClient }) {
  useEffect(() => client.watch({ view: 'wall' }), [client]);
  const tiles = sortedTiles(client.wall);
  return (
    <main class="wall">
      {tiles.length === 0 ? (
        <p class="empty">
          No live sessions. Start one with “+ New session” (it gives the `hamstream ingest` command to run
          next to the sensors), or run the demo (`npm start`).
        </p>
      ) : (
        tiles.map((t) => <Tile key={t.session} t={t} />)
      )}
    </main>
  );
}
