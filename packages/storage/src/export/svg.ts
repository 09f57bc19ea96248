/** Tiny inline-SVG charts for the printable report (no scripts, so they print and survive PDF). */

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));

/** A 'nice' axis maximum ≥ v. */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export interface BarChartOptions {
  title: string;
  unit: string;
  values: readonly (number | null)[];
  labels?: readonly string[];
  /** Horizontal reference line (e.g. a ROM target). */
  target?: number | null;
  width?: number;
  height?: number;
}

export function barChart(o: BarChartOptions): string {
  const width = o.width ?? 520;
  const height = o.height ?? 180;
  const left = 44;
  const bottom = 22;
  const top = 24;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const finite = o.values.filter((v): v is number => v !== null && Number.isFinite(v));
  const yMax = niceMax(Math.max(...finite, o.target ?? 0, 0));
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const n = Math.max(1, o.values.length);
  const slot = plotW / n;
  const barW = Math.max(2, Math.min(40, slot * 0.7));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(o.title)}">`,
    `<text x="${left}" y="14" class="t">${escapeHtml(o.title)} (${escapeHtml(o.unit)})</text>`,
  ];
  for (const g of [0, 0.5, 1]) {
    const yy = y(g * yMax);
    parts.push(
      `<line x1="${left}" x2="${width - 8}" y1="${yy.toFixed(1)}" y2="${yy.toFixed(1)}" class="grid"/>`,
      `<text x="${left - 4}" y="${(yy + 4).toFixed(1)}" text-anchor="end" class="ax">${fmt(g * yMax)}</text>`,
    );
  }
  o.values.forEach((v, k) => {
    const x = left + slot * k + (slot - barW) / 2;
    if (v !== null && Number.isFinite(v)) {
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(top + plotH - y(v)).toFixed(1)}" class="bar"><title>${fmt(v)} ${escapeHtml(o.unit)}</title></rect>`,
      );
    }
    const lab = o.labels?.[k] ?? String(k + 1);
    if (n <= 30 || k % Math.ceil(n / 30) === 0) {
      parts.push(
        `<text x="${(x + barW / 2).toFixed(1)}" y="${height - 6}" text-anchor="middle" class="ax">${escapeHtml(lab)}</text>`,
      );
    }
  });
  if (o.target !== null && o.target !== undefined) {
    const yy = y(o.target).toFixed(1);
    parts.push(`<line x1="${left}" x2="${width - 8}" y1="${yy}" y2="${yy}" class="target"/>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

export interface LineChartOptions {
  title: string;
  unit: string;
  x: readonly number[];
  y: readonly number[];
  xUnit: string;
  width?: number;
  height?: number;
  /** Band drawn behind the line (e.g. a cadence target zone). */
  band?: { low: number; high: number } | null;
}

export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 520;
  const height = o.height ?? 180;
  const left = 44;
  const bottom = 22;
  const top = 24;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const n = Math.min(o.x.length, o.y.length);
  const ys = o.y.slice(0, n);
  let lo = Math.min(...ys, o.band?.low ?? Number.POSITIVE_INFINITY);
  let hi = Math.max(...ys, o.band?.high ?? Number.NEGATIVE_INFINITY);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  }
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.1;
  lo -= pad;
  hi += pad;
  const x0 = o.x[0] ?? 0;
  const x1 = o.x[n - 1] ?? 1;
  const sx = (v: number) => left + ((v - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (v: number) => top + plotH - ((v - lo) / (hi - lo)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(o.title)}">`,
    `<text x="${left}" y="14" class="t">${escapeHtml(o.title)} (${escapeHtml(o.unit)})</text>`,
  ];
  if (o.band) {
    parts.push(
      `<rect x="${left}" y="${sy(o.band.high).toFixed(1)}" width="${plotW}" height="${(sy(o.band.low) - sy(o.band.high)).toFixed(1)}" class="band"/>`,
    );
  }
  for (const g of [0, 0.5, 1]) {
    const v = lo + pad + g * (hi - lo - 2 * pad);
    parts.push(
      `<line x1="${left}" x2="${width - 8}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" class="grid"/>`,
      `<text x="${left - 4}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" class="ax">${fmt(v)}</text>`,
    );
  }
  const d = ys
    .map((v, k) => `${k === 0 ? 'M' : 'L'}${sx(o.x[k] as number).toFixed(1)},${sy(v).toFixed(1)}`)
    .join('');
  parts.push(`<path d="${d}" class="line"/>`);
  parts.push(
    `<text x="${left}" y="${height - 6}" class="ax">${fmt(x0)} ${escapeHtml(o.xUnit)}</text>`,
    `<text x="${width - 8}" y="${height - 6}" text-anchor="end" class="ax">${fmt(x1)} ${escapeHtml(o.xUnit)}</text>`,
    '</svg>',
  );
  return parts.join('');
}
