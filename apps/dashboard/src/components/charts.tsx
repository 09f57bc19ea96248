import type { LiveCadence, RepResult } from '@hamstream/protocol';
import { useMemo } from 'preact/hooks';
import uPlot from 'uplot';
import { displayTimeS, newestTraceS, type Trace } from '../model.js';
import { CHART_AXIS, CHART_COLORS, UPlotChart } from './uplot-chart.js';

/** Joins per-device traces onto one x axis (uPlot's aligned data), nulls where a device has no sample. */
function joinTraces(traces: Map<string, Trace>, devices: string[]): uPlot.AlignedData {
  const tables = devices.map((d) => {
    const t = traces.get(d)!;
    return [t.tS, t.values] as uPlot.AlignedData;
  });
  if (tables.length === 0) return [[]];
  if (tables.length === 1) return tables[0]!;
  return uPlot.join(tables);
}

export interface TraceChartProps {
  traces: Map<string, Trace>;
  receivedAtMs: number;
  version: number;
  unit: string;
  windowS?: number;
  height?: number;
  testId?: string;
  /** Horizontal reference lines (e.g. a target), value → label. */
  yRange?: [number, number];
}

/** A scrolling live trace: the x window follows data time smoothly at display rate. */
export function TraceChart({
  traces,
  receivedAtMs,
  version,
  unit,
  windowS = 12,
  height = 260,
  testId,
  yRange,
}: TraceChartProps) {
  const devices = [...traces.keys()].sort();
  const key = `${devices.join(',')}|${unit}|${yRange?.join(',') ?? ''}`;
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      legend: { show: devices.length > 1 },
      cursor: { show: false },
      scales: {
        x: { time: false, auto: false },
        y: yRange ? { auto: false, range: yRange } : { auto: true },
      },
      axes: [
        { ...CHART_AXIS, values: (_u, ticks) => ticks.map((v) => `${v.toFixed(0)} s`) },
        { ...CHART_AXIS, size: 60, values: (_u, ticks) => ticks.map((v) => `${v.toFixed(0)}${unit}`) },
      ],
      series: [
        {},
        ...devices.map((d, i) => ({
          label: d,
          stroke: CHART_COLORS[i % CHART_COLORS.length]!,
          width: 3,
          spanGaps: true,
          points: { show: false },
        })),
      ],
    }),
    [key],
  );
  const data = useMemo(() => joinTraces(traces, devices), [version, key]);
  const newest = newestTraceS(traces);
  return (
    <UPlotChart
      options={options}
      optionsKey={key}
      data={data}
      dataVersion={version}
      height={height}
      {...(testId ? { testId } : {})}
      onFrame={(u, now) => {
        if (newest === null) return;
        const t = displayTimeS(newest, receivedAtMs, now);
        u.setScale('x', { min: t - windowS, max: t });
      }}
    />
  );
}

export interface RomBarsProps {
  reps: RepResult[];
  targetDeg: number | null;
  version: number;
  height?: number;
}

/** One bar per rep of the set (ROM, degrees) and the target as a line. */
export function RomBars({ reps, targetDeg, version, height = 220 }: RomBarsProps) {
  const key = `bars|${targetDeg ?? ''}`;
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false, range: (_u, min, max) => [min - 0.6, max + 0.6] },
        y: { range: (_u, _min, max) => [0, Math.max(max, targetDeg ?? 0) * 1.15 || 10] },
      },
      axes: [
        { ...CHART_AXIS, values: (_u, ticks) => ticks.map((v) => (Number.isInteger(v) ? String(v) : '')) },
        { ...CHART_AXIS, size: 60, values: (_u, ticks) => ticks.map((v) => `${v.toFixed(0)}°`) },
      ],
      series: [
        {},
        {
          label: 'ROM',
          fill: '#4cc2ffcc',
          stroke: '#4cc2ff',
          paths: uPlot.paths.bars!({ size: [0.6, 80] }),
          points: { show: false },
        },
        { label: 'target', stroke: '#ff6b6b', width: 3, dash: [10, 6], points: { show: false } },
      ],
    }),
    [key],
  );
  const data = useMemo<uPlot.AlignedData>(() => {
    const x = reps.map((_, i) => i + 1);
    return [x, reps.map((r) => r.romDeg), reps.map(() => targetDeg)];
  }, [version, reps.length, targetDeg]);
  return (
    <UPlotChart
      options={options}
      optionsKey={key}
      data={data}
      dataVersion={version + reps.length}
      height={height}
      testId="rom-bars"
    />
  );
}

export interface CadenceChartProps {
  points: LiveCadence[];
  band: { lowSpm: number | null; highSpm: number | null };
  version: number;
  height?: number;
}

/** Cadence over the last minutes with the target band shaded. */
export function CadenceChart({ points, band, version, height = 240 }: CadenceChartProps) {
  const key = `cad|${band.lowSpm?.toFixed(1) ?? ''}|${band.highSpm?.toFixed(1) ?? ''}`;
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false },
        y: {
          range: (_u, min, max) => [
            Math.min(min, band.lowSpm ?? min) - 3,
            Math.max(max, band.highSpm ?? max) + 3,
          ],
        },
      },
      axes: [
        {
          ...CHART_AXIS,
          values: (_u, ticks) =>
            ticks.map((v) => `${Math.floor(v / 60)}:${String(Math.floor(v % 60)).padStart(2, '0')}`),
        },
        { ...CHART_AXIS, size: 60 },
      ],
      series: [{}, { label: 'spm', stroke: '#6ee7a8', width: 3, points: { show: false } }],
      hooks: {
        drawClear: [
          (u) => {
            if (band.lowSpm === null || band.highSpm === null) return;
            const top = u.valToPos(band.highSpm, 'y', true);
            const bottom = u.valToPos(band.lowSpm, 'y', true);
            u.ctx.save();
            u.ctx.fillStyle = 'rgba(110, 231, 168, 0.18)';
            u.ctx.fillRect(u.bbox.left, top, u.bbox.width, bottom - top);
            u.ctx.restore();
          },
        ],
      },
    }),
    [key],
  );
  const data = useMemo<uPlot.AlignedData>(
    () => [points.map((p) => p.tS), points.map((p) => p.spm)],
    [version],
  );
  return (
    <UPlotChart
      options={options}
      optionsKey={key}
      data={data}
      dataVersion={version}
      height={height}
      testId="cadence-chart"
    />
  );
}
