import type { AnalyzeOutput, SetResult } from '@hamstream/core';

/** Renders rows as aligned columns; numbers right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.]+%?$|^–$/.test(r[i] ?? '')),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].map((l) => `  ${l}`).join('\n');
}

export const fmt = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);

function repMean(set: SetResult, key: 'concentricS' | 'eccentricS' | 'holdS'): number | null {
  const xs = set.reps.map((r) => r[key]).filter((x): x is number => x !== null);
  return xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/** The readable report of `hamstream analyze` (without --json): one row per set, then cadence and quality. */
export function formatAnalysis(file: string, output: AnalyzeOutput): string {
  const out: string[] = [];
  const rec = output.recording;
  out.push(
    `${file}: started ${rec.startedAt}, ${rec.durationS.toFixed(1)} s, devices ${rec.devices.join(', ')}`,
  );
  out.push('');
  const repSets = output.sets;
  out.push(`Sets (${repSets.length})`);
  if (repSets.length === 0) out.push('  none (no activity in the header or marks)');
  else {
    out.push(
      table(
        [
          'device',
          'activity',
          'side',
          'start s',
          'end s',
          'reps',
          'ROM mean°',
          'ROM max°',
          'up s',
          'down s',
          'hold s',
          'peak N',
          'break°',
        ],
        repSets.map((s) => [
          s.device,
          s.activity,
          s.side ?? '–',
          fmt(s.startS),
          fmt(s.endS),
          String(s.repCount),
          fmt(s.summary?.romMeanDeg),
          fmt(s.summary?.romMaxDeg),
          fmt(repMean(s, 'concentricS'), 2),
          fmt(repMean(s, 'eccentricS'), 2),
          fmt(repMean(s, 'holdS'), 2),
          fmt(s.summary?.peakForceN),
          fmt(s.summary?.breakDegMean),
        ]),
      ),
    );
  }
  if (output.cadence.length > 0) {
    out.push('');
    out.push('Cadence (steps/min, both feet)');
    const devices = [...new Set(output.cadence.map((c) => c.device))];
    out.push(
      table(
        ['device', 'points', 'from s', 'to s', 'mean', 'min', 'max', 'last', 'vs baseline'],
        devices.map((d) => {
          const pts = output.cadence.filter((c) => c.device === d);
          const spm = pts.map((p) => p.spm);
          const last = pts[pts.length - 1]!;
          return [
            d,
            String(pts.length),
            fmt(pts[0]!.tS),
            fmt(last.tS),
            fmt(spm.reduce((a, b) => a + b, 0) / spm.length),
            fmt(Math.min(...spm)),
            fmt(Math.max(...spm)),
            fmt(last.spm),
            last.changePct === null || last.changePct === undefined ? '–' : `${fmt(last.changePct)}%`,
          ];
        }),
      ),
    );
  }
  if (output.asymmetry && output.asymmetry.length > 0) {
    out.push('');
    out.push('Asymmetry (stronger − weaker) / stronger');
    out.push(
      table(
        ['activity', 'metric', 'left', 'right', 'asymmetry', 'flag'],
        output.asymmetry.map((a) => [
          a.activity,
          a.metric,
          fmt(a.left),
          fmt(a.right),
          `${fmt(a.asymmetryPct)}%`,
          a.flag,
        ]),
      ),
    );
  }
  out.push('');
  out.push('Quality');
  out.push(
    table(
      ['device', 'packets', 'samples', 'gaps', 'lost', 'decode errors', 'rate Hz', 'disconnects'],
      output.quality.map((q) => [
        q.device,
        String(q.packets),
        String(q.samples),
        String(q.gaps),
        String(q.lostSamples),
        String(q.decodeErrors),
        fmt(q.rateHz, 2),
        String(q.disconnects ?? 0),
      ]),
    ),
  );
  return `${out.join('\n')}\n`;
}
