import type { SetResult } from '@hamstream/core';
import type { ProgressSeries, SubjectHistory } from '../history.js';
import type { StoredSession } from '../local-store.js';
import type { ChangeStatus } from '../mdc.js';
import { isForceDevice } from '../schema.js';
import { barChart, escapeHtml, lineChart } from './svg.js';

/**
 * A printable, self-contained session report (one HTML file, inline SVG, no scripts) a therapist can
 * print or save as PDF and hand to the patient. With `history`, a progress section shows each metric
 * against the first session and whether the change exceeds the minimal detectable change.
 */
export interface HtmlReportOptions {
  history?: SubjectHistory;
  /** ROM targets per activity, degrees (drawn as a line on the ROM charts). */
  romTargetDeg?: Readonly<Record<string, number>>;
}

const e = escapeHtml;
const num = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const label = (a: string): string => {
  const s = a.replace(/-/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};
const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);
const duration = (s: number): string => {
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
};

const STATUS_TEXT: Record<ChangeStatus, string> = {
  baseline: 'baseline',
  'no-real-change': 'no real change',
  improved: 'improved',
  worsened: 'worse',
  increased: 'increased',
  decreased: 'decreased',
};

const CSS = `
@page { size: A4; margin: 14mm; }
* { box-sizing: border-box; }
body { font: 11pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 1px solid #ccd; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; }
.meta { color: #555; margin-bottom: 4mm; }
.cards { display: flex; flex-wrap: wrap; gap: 3mm; }
.card { border: 1px solid #ccd; border-radius: 2mm; padding: 2mm 3mm; min-width: 40mm; }
.card b { display: block; font-size: 16pt; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; margin: 1mm 0 2mm; }
th, td { border-bottom: 1px solid #e3e3ea; padding: 1mm 1.5mm; text-align: right; } th:first-child, td:first-child { text-align: left; }
th { background: #f3f4f8; }
section { break-inside: avoid; }
svg { max-width: 100%; height: auto; } svg .t { font-size: 12px; font-weight: 600; } svg .ax { font-size: 10px; fill: #555; }
svg .grid { stroke: #e3e3ea; } svg .bar { fill: #3b6fb6; } svg .target { stroke: #c0392b; stroke-dasharray: 4 3; stroke-width: 1.5; }
svg .line { fill: none; stroke: #3b6fb6; stroke-width: 1.5; } svg .band { fill: #d9f0dc; }
.flag-improved, .flag-increased { color: #1e7b34; } .flag-worsened, .flag-decreased { color: #b03a2e; } .flag-no-real-change { color: #666; }
.note { color: #666; font-size: 9pt; }
`;

function setSection(s: StoredSession, set: SetResult, index: number, options: HtmlReportOptions): string {
  const device = s.devices.find((d) => d.id === set.device);
  const side = set.side ?? device?.side ?? '';
  const force = isForceDevice(device);
  const head = `<h3>${index + 1}. ${e(label(set.activity))} — ${e(side)} (${e(set.device)}), ${clock(
    s.startedAtMs + set.startS * 1000,
  )}–${clock(s.startedAtMs + set.endS * 1000)} UTC</h3>`;
  if (set.activity === 'run') {
    return `<section>${head}<p>${duration(set.endS - set.startS)} of running — cadence below.</p></section>`;
  }
  if (set.reps.length === 0) return `<section>${head}<p>No repetitions detected.</p></section>`;
  if (force) {
    const peaks = set.reps.map((r) => r.peakForceN);
    const rows = set.reps
      .map(
        (r, k) =>
          `<tr><td>${k + 1}</td><td>${num(r.peakForceN)}</td><td>${num(r.rfd100NPerS, 0)}</td><td>${num(
            r.rfd200NPerS,
            0,
          )}</td><td>${num(r.impulseNs, 0)}</td><td>${num(r.endS - r.startS)}</td></tr>`,
      )
      .join('');
    return `<section>${head}${barChart({ title: 'Peak force per effort', unit: 'N', values: peaks })}
<table><tr><th>Effort</th><th>Peak force N</th><th>RFD 0–100 ms N/s</th><th>RFD 0–200 ms N/s</th><th>Impulse N·s</th><th>Duration s</th></tr>${rows}</table></section>`;
  }
  const roms = set.reps.map((r) => r.romDeg);
  const finite = roms.filter((v): v is number => v !== null);
  const breaks = set.reps.map((r) => r.breakDeg).filter((v): v is number => v !== null && v !== undefined);
  const tempo = (pick: (r: SetResult['reps'][number]) => number | null) =>
    num(mean(set.reps.map(pick).filter((v): v is number => v !== null)));
  return `<section>${head}${barChart({
    title: 'Range of motion per repetition',
    unit: 'deg',
    values: roms,
    target: options.romTargetDeg?.[set.activity] ?? null,
  })}
<table><tr><th>Reps</th><th>ROM mean °</th><th>ROM max °</th><th>Up s</th><th>Down s</th><th>Hold s</th>${
    breaks.length ? '<th>Break angle °</th>' : ''
  }</tr><tr><td>${set.repCount}</td><td>${num(mean(finite))}</td><td>${num(
    finite.length ? Math.max(...finite) : null,
  )}</td><td>${tempo((r) => r.concentricS)}</td><td>${tempo((r) => r.eccentricS)}</td><td>${tempo((r) => r.holdS)}</td>${
    breaks.length ? `<td>${num(mean(breaks))}</td>` : ''
  }</tr></table></section>`;
}

function progressTable(title: string, list: readonly ProgressSeries[]): string {
  if (list.length === 0) return '';
  const blocks = list.map((series) => {
    const name = [series.activity ? label(series.activity) : null, series.side].filter(Boolean).join(', ');
    const rows = series.points
      .map(
        (p) =>
          `<tr><td>${e(p.startedAt.slice(0, 10))}</td><td>${num(p.value)} ${e(series.unit)}</td><td>${
            p.change.status === 'baseline' ? '' : `${p.change.delta >= 0 ? '+' : ''}${num(p.change.delta)}`
          }</td><td class="flag-${p.change.status}">${e(STATUS_TEXT[p.change.status])}${
            p.change.status === 'no-real-change' ? ` (&lt; ${num(p.change.mdc)} ${e(series.unit)})` : ''
          }</td></tr>`,
      )
      .join('');
    return `<h3>${e(title)}${name ? ` — ${e(name)}` : ''}</h3>${barChart({
      title,
      unit: series.unit,
      values: series.points.map((p) => p.value),
      labels: series.points.map((p) => p.startedAt.slice(5, 10)),
      height: 140,
    })}<table><tr><th>Session</th><th>Value</th><th>Change vs first</th><th>Assessment</th></tr>${rows}</table>`;
  });
  return `<section>${blocks.join('')}</section>`;
}

export function sessionToHtml(s: StoredSession, options: HtmlReportOptions = {}): string {
  const a = s.analysis;
  const reps = a.sets.reduce((n, set) => n + set.repCount, 0);
  // 0 spm is the engine's "no cadence yet" (not running): left out of means, kept in the plot.
  const spm = a.cadence.map((c) => c.spm).filter((v) => v > 0);
  const cards = [
    `<div class="card">Sets<b>${a.sets.filter((x) => x.activity !== 'run').length}</b></div>`,
    `<div class="card">Repetitions<b>${reps}</b></div>`,
    `<div class="card">Duration<b>${duration(a.recording.durationS)}</b></div>`,
    spm.length ? `<div class="card">Cadence<b>${num(mean(spm), 0)} /min</b></div>` : '',
  ].join('');
  const asym = (a.asymmetry ?? [])
    .map(
      (x) =>
        `<tr><td>${e(label(x.activity))}</td><td>${x.metric === 'peakForceN' ? 'peak force (N)' : 'ROM (°)'}</td><td>${num(
          x.left,
        )}</td><td>${num(x.right)}</td><td>${num(x.asymmetryPct)} %</td><td>${
          x.flag === 'none' ? 'within 15 %' : x.flag === 'ge15' ? '≥ 15 %' : '≥ 20 %'
        }</td></tr>`,
    )
    .join('');
  // Several sensors may estimate cadence (shank, chest, footpod): plot the one with most estimates.
  const perDevice = new Map<string, typeof a.cadence>();
  for (const c of a.cadence) perDevice.set(c.device, [...(perDevice.get(c.device) ?? []), c]);
  const main = [...perDevice.entries()].sort((x, y) => y[1].length - x[1].length)[0];
  const cadence = main
    ? `<section><h2>Running cadence</h2>${lineChart({
        title: `Cadence (${main[0]})`,
        unit: 'steps/min',
        x: main[1].map((c) => c.tS / 60),
        y: main[1].map((c) => c.spm),
        xUnit: 'min',
      })}<p>Mean ${num(mean(main[1].map((c) => c.spm).filter((v) => v > 0)))} steps/min over ${main[1].length} estimates from ${e(main[0])}${
        perDevice.size > 1 ? ` (all ${perDevice.size} sensors together: ${num(mean(spm))})` : ''
      }.</p></section>`
    : '';
  const h = options.history;
  const progress = h
    ? `<h2>Progress since ${e(h.sessions[0]?.startedAt.slice(0, 10) ?? '')}</h2>
<p class="note">"No real change" means the difference from the first session is smaller than the minimal detectable change (measurement error), so it should not be read as progress or decline.</p>
${progressTable('Range of motion', h.rom)}${progressTable('Peak force', h.peakForce)}${progressTable(
  'Left/right asymmetry',
  h.asymmetry,
)}${progressTable('Nordic break angle', h.nordicBreak)}${h.cadence ? progressTable('Running cadence', [h.cadence]) : ''}`
    : '';
  const quality = a.quality
    .map(
      (q) =>
        `<tr><td>${e(q.device)}</td><td>${q.samples}</td><td>${q.gaps}</td><td>${q.lostSamples}</td><td>${num(q.rateHz)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Session report ${e(s.subject)} ${e(s.startedAt.slice(0, 10))}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style></head>
<body>
<h1>Session report</h1>
<div class="meta">${e(s.subject)} · ${e(s.startedAt.slice(0, 10))} ${e(s.startedAt.slice(11, 16))} UTC · session ${e(s.session)}</div>
<div class="cards">${cards}</div>
<h2>Exercises</h2>
${a.sets.map((set, k) => setSection(s, set, k, options)).join('\n')}
${asym ? `<section><h2>Left / right</h2><table><tr><th>Exercise</th><th>Measure</th><th>Left</th><th>Right</th><th>Asymmetry</th><th></th></tr>${asym}</table></section>` : ''}
${cadence}
${progress}
<h2>Sensor data quality</h2>
<table><tr><th>Sensor</th><th>Samples</th><th>Gaps</th><th>Lost samples</th><th>Rate Hz</th></tr>${quality}</table>
<p class="note">Angles are the inclination range of the instrumented body segment measured by a wearable sensor; they are close to, but not the same as, a goniometer reading of the joint. Generated by hamstream.</p>
</body></html>
`;
}
