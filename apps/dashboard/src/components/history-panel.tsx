import { useEffect, useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { api } from '../api.js';
import { fmtNumber } from '../format.js';
import {
  changeText,
  changeTone,
  type HistoryChart,
  historyCharts,
  type SubjectHistoryDto,
} from '../history.js';
import { CHART_AXIS, CHART_COLORS, UPlotChart } from './uplot-chart.js';

const UNIT_SUFFIX: Record<string, string> = { deg: '°', N: ' N', '%': ' %', '/min': ' spm' };

function HistoryChartView({ chart }: { chart: HistoryChart }) {
  const unit = UNIT_SUFFIX[chart.unit] ?? ` ${chart.unit}`;
  const key = `${chart.key}|${chart.lines.map((l) => l.label).join(',')}`;
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      legend: { show: chart.lines.length > 1 },
      cursor: { show: false },
      scales: { x: { time: true } },
      axes: [
        CHART_AXIS,
        { ...CHART_AXIS, size: 60, values: (_u, ticks) => ticks.map((v) => `${fmtNumber(v)}${unit}`) },
      ],
      series: [
        {},
        ...chart.lines.map((l, i) => ({
          label: l.label,
          stroke: CHART_COLORS[i % CHART_COLORS.length]!,
          width: 2,
          spanGaps: true,
          points: { show: true, size: 8 },
        })),
      ],
    }),
    [key],
  );
  const data = useMemo(() => [chart.xS, ...chart.lines.map((l) => l.values)] as uPlot.AlignedData, [chart]);
  return (
    <div class="history-chart" data-testid={`history-${chart.key}`}>
      <h3>{chart.title}</h3>
      <UPlotChart
        options={options}
        optionsKey={key}
        data={data}
        dataVersion={chart.sessions.length}
        height={180}
      />
      <ul class="history-flags">
        {chart.lines.map((l) =>
          l.latest ? (
            <li key={l.label}>
              {l.label}: {fmtNumber(l.latest.value, 1)}
              {unit}{' '}
              <span class={`flag ${changeTone(l.latest.change.status) ?? ''}`}>
                {changeText(l.latest.change.status)}
                {l.latest.change.status === 'baseline'
                  ? ''
                  : ` (${l.latest.change.delta >= 0 ? '+' : '−'}${fmtNumber(Math.abs(l.latest.change.delta), 1)}${unit})`}
              </span>
            </li>
          ) : null,
        )}
      </ul>
      <div class="mdc-note">{chart.mdcNote}</div>
    </div>
  );
}

/** Progress across the subject's sessions, with change flags that respect measurement error. */
export function HistoryPanel({ subject, refreshKey }: { subject: string; refreshKey: string }) {
  const [history, setHistory] = useState<SubjectHistoryDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.history(subject).then(
      (h) => {
        if (!live) return;
        setHistory(h);
        setError(null);
      },
      (e: unknown) => {
        if (live) setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [subject, refreshKey]);
  const charts = useMemo(() => (history ? historyCharts(history) : []), [history]);
  return (
    <section class="panel history" data-testid="history-panel">
      <h2>History · {history ? `${history.sessions.length} finished session(s)` : '…'}</h2>
      {error ? <div class="error">{error}</div> : null}
      {history && charts.length === 0 ? (
        <div class="empty">No finished sessions with results yet.</div>
      ) : null}
      {charts.map((c) => (
        <HistoryChartView key={c.key} chart={c} />
      ))}
    </section>
  );
}
