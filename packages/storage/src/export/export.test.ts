import { describe, expect, it } from 'vitest';
import type { StoredSession } from '../local-store.js';
import { syntheticSession } from '../sample-data.js';
import { csvField, REP_CSV_COLUMNS, sessionToCsv } from './csv.js';
import {
  type FhirObservation,
  LOINC,
  LOINC_KNEE_FLEXION_ACTIVE_ROM,
  loincCheckDigitOk,
  OBSERVATION_CATEGORY,
  sessionToFhirBundle,
  UCUM,
} from './fhir.js';
import { sessionToHtml } from './html.js';
import { sessionToJson } from './json.js';

function stored(subject = 'athlete-07'): StoredSession {
  const s = syntheticSession({ subject });
  return {
    session: s.session,
    subject: s.subject,
    startedAt: s.startedAt,
    startedAtMs: Date.parse(s.startedAt),
    devices: s.devices,
    analysis: s.output,
    dir: null,
    recordingPath: null,
  };
}

/** Minimal RFC 4180 parser for the checks below. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (quoted) {
      if (c === '"' && text[k + 1] === '"') {
        field += '"';
        k++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[k + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      k++;
    } else field += c;
  }
  return rows;
}

describe('CSV per rep', () => {
  it('has the documented columns and one row per rep or effort', () => {
    const s = stored();
    const rows = parseCsv(sessionToCsv(s));
    expect(rows[0]).toEqual([...REP_CSV_COLUMNS]);
    const total = s.analysis.sets.reduce((n, set) => n + set.reps.length, 0);
    expect(total).toBe(27);
    expect(rows).toHaveLength(1 + total);
    for (const r of rows) expect(r).toHaveLength(REP_CSV_COLUMNS.length);
    const col = (name: (typeof REP_CSV_COLUMNS)[number]) => REP_CSV_COLUMNS.indexOf(name);
    const first = rows[1] as string[];
    const rep = s.analysis.sets[0]?.reps[0];
    expect(first[col('device')]).toBe('L-shank');
    expect(first[col('placement')]).toBe('shank');
    expect(first[col('side')]).toBe('left');
    expect(Number(first[col('rom_deg')])).toBe(rep?.romDeg);
    expect(first[col('peak_force_n')]).toBe('');
    expect(first[col('rep_start_time')]).toBe(
      new Date(s.startedAtMs + (rep?.startS ?? 0) * 1000).toISOString(),
    );
    const effort = rows.find((r) => r[col('activity')] === 'isometric-hamstring') as string[];
    expect(Number(effort[col('peak_force_n')])).toBeGreaterThan(0);
    expect(effort[col('rom_deg')]).toBe('');
    const nordic = rows.find((r) => r[col('activity')] === 'nordic-curl') as string[];
    expect(Number(nordic[col('break_deg')])).toBeCloseTo(54, 6);
  });

  it('quotes fields with commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('x\ny')).toBe('"x\ny"');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    const rows = parseCsv(sessionToCsv(stored('doe, "jr"')));
    expect(rows[1]?.[1]).toBe('doe, "jr"');
  });
});

describe('JSON export', () => {
  it('carries identity, devices and the full analysis', () => {
    const s = stored();
    const j = sessionToJson(s);
    expect(j).toMatchObject({
      format: 'hamstream.session',
      version: 1,
      session: s.session,
      subject: 'athlete-07',
    });
    expect(JSON.parse(JSON.stringify(j)).analysis).toEqual(s.analysis);
  });
});

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
// FHIR R4 dateTime with time: seconds and a zone are required once hours are given.
const FHIR_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const UCUM_CODES = new Set(['deg', 'N', '/min', '%']);

describe('FHIR R4 Bundle', () => {
  const s = stored();
  const bundle = sessionToFhirBundle(s);
  const observations = bundle.entry
    .map((e) => e.resource)
    .filter((r): r is FhirObservation => r.resourceType === 'Observation');

  it('is a collection Bundle whose entries have urn:uuid fullUrls matching their ids', () => {
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.type).toBe('collection');
    expect(bundle.id).toMatch(FHIR_ID);
    expect(bundle.timestamp).toMatch(FHIR_DATETIME);
    const urls = bundle.entry.map((e) => e.fullUrl);
    expect(new Set(urls).size).toBe(urls.length);
    for (const e of bundle.entry) {
      expect(e.resource.id).toMatch(FHIR_ID);
      expect(e.fullUrl).toBe(`urn:uuid:${e.resource.id}`);
      expect(e.fullUrl).toMatch(
        /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
    const patient = bundle.entry.find((e) => e.resource.resourceType === 'Patient');
    expect(patient?.resource).toMatchObject({ identifier: [{ value: 'athlete-07' }] });
  });

  it('every Observation has the required elements, a resolvable subject and UCUM quantities', () => {
    // 2 ROM (curls) + 1 ROM + 1 break (Nordic) + 2 force + 1 asymmetry + 1 cadence
    expect(observations).toHaveLength(8);
    const patientUrl = bundle.entry.find((e) => e.resource.resourceType === 'Patient')?.fullUrl;
    for (const o of observations) {
      expect(o.status).toBe('final');
      expect(o.category[0]?.coding?.[0]).toMatchObject({ system: OBSERVATION_CATEGORY, code: 'activity' });
      expect(o.code.text.length).toBeGreaterThan(5);
      expect(o.subject.reference).toBe(patientUrl);
      expect(o.effectiveDateTime).toMatch(FHIR_DATETIME);
      expect(o.valueQuantity.system).toBe(UCUM);
      expect(UCUM_CODES.has(o.valueQuantity.code)).toBe(true);
      expect(Number.isFinite(o.valueQuantity.value)).toBe(true);
      for (const c of o.component ?? []) {
        // obs-7: a component's code differs from the observation's
        expect(c.code.text).not.toBe(o.code.text);
        expect(c.valueQuantity.system).toBe(UCUM);
      }
      // only known keys (a validator rejects unknown elements)
      for (const key of Object.keys(o)) {
        expect([
          'resourceType',
          'id',
          'status',
          'category',
          'code',
          'subject',
          'effectiveDateTime',
          'valueQuantity',
          'bodySite',
          'method',
          'note',
          'component',
        ]).toContain(key);
      }
    }
  });

  it('uses LOINC only for knee flexion ROM of shank curls; the codes pass the LOINC check digit', () => {
    const coded = observations.filter((o) => o.code.coding?.length);
    expect(coded.map((o) => o.code.coding?.[0])).toEqual([
      { system: LOINC, code: LOINC_KNEE_FLEXION_ACTIVE_ROM.left },
      { system: LOINC, code: LOINC_KNEE_FLEXION_ACTIVE_ROM.right },
    ]);
    expect(coded.map((o) => o.valueQuantity.code)).toEqual(['deg', 'deg']);
    expect(coded[0]?.valueQuantity.value).toBeCloseTo(
      Math.max(...(s.analysis.sets[0]?.reps.map((r) => r.romDeg as number) ?? [])),
      1,
    );
    for (const code of [...Object.values(LOINC_KNEE_FLEXION_ACTIVE_ROM), '8302-2', '8867-4']) {
      expect(loincCheckDigitOk(code)).toBe(true);
    }
    expect(loincCheckDigitOk('41347-5')).toBe(false);
    const force = observations.filter((o) => o.valueQuantity.code === 'N');
    expect(force.map((o) => o.valueQuantity.value).sort()).toEqual([250, 300]);
    expect(observations.find((o) => o.valueQuantity.code === '/min')?.valueQuantity.value).toBeCloseTo(
      165,
      0,
    );
  });

  it('is deterministic (same session → same Bundle)', () => {
    expect(sessionToFhirBundle(stored())).toEqual(bundle);
  });
});

describe('HTML report', () => {
  it('is self-contained and printable: inline SVG charts, no scripts, the numbers a patient needs', () => {
    const html = sessionToHtml(stored(), { romTargetDeg: { 'prone-hamstring-curl': 90 } });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('@page');
    expect((html.match(/<svg /g) ?? []).length).toBe(6); // 2 curls, Nordic, 2 force, cadence
    expect(html).toContain('class="target"');
    expect(html).toContain('athlete-07');
    expect(html).toContain('Prone hamstring curl');
    expect(html).toContain('16.7 %'); // force asymmetry
    expect((html.match(/<section>/g) ?? []).length).toBe((html.match(/<\/section>/g) ?? []).length);
  });

  it('escapes text from the data', () => {
    const html = sessionToHtml(stored('<b>x</b>'));
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });
});
