import type { Side } from '@hamstream/core';
import { type InfluxDB, escape as influxEscape } from 'influx';
import {
  buildSubjectHistory,
  type ExerciseFacts,
  type HistoryRange,
  type HistoryStore,
  type SessionFacts,
  type SubjectHistory,
  toMs,
} from './history.js';
import { createInfluxClient } from './influx-setup.js';
import { parseInfluxUrl } from './influx-url.js';

/**
 * The history API answered by InfluxQL over the documented schema. It aggregates per session in the
 * database (mean/max/count grouped by session, activity, side) and hands the same `SessionFacts` as
 * the local store to `buildSubjectHistory`, so progress and change flags are computed identically.
 */
const DAY_MS = 86_400_000;

const SIDES: readonly string[] = ['left', 'right', 'center'];
const asSide = (v: unknown): Side | null => (typeof v === 'string' && SIDES.includes(v) ? (v as Side) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

interface ExerciseRow {
  session: string;
  activity: string;
  side: string;
  rom_mean: number | null;
  rom_max: number | null;
  n: number | null;
  brk: number | null;
  force: number | null;
}

export function createInfluxHistoryStore(clientOrUrl: InfluxDB | string): HistoryStore {
  const client =
    typeof clientOrUrl === 'string' ? createInfluxClient(parseInfluxUrl(clientOrUrl)) : clientOrUrl;
  return {
    async subjectHistory(subject: string, range?: HistoryRange): Promise<SubjectHistory> {
      const from = toMs(range?.from);
      const to = toMs(range?.to);
      const who = `"subject" = ${influxEscape.stringLit(subject)}`;
      const sessionTime =
        (from !== null ? ` AND time >= ${Math.floor(from)}ms` : '') +
        (to !== null ? ` AND time <= ${Math.ceil(to)}ms` : '');
      // Results are stamped after the session start; a session never lasts a day.
      const resultTime =
        (from !== null ? ` AND time >= ${Math.floor(from)}ms` : '') +
        (to !== null ? ` AND time <= ${Math.ceil(to) + DAY_MS}ms` : '');
      const [sessionRows, repRows, effortRows, cadenceRows] = (await client.query([
        `SELECT "set_count" FROM "sessions" WHERE ${who}${sessionTime} GROUP BY "session"`,
        `SELECT mean("rom_deg") AS "rom_mean", max("rom_deg") AS "rom_max", count("rom_deg") AS "n", ` +
          `mean("break_deg") AS "brk", max("peak_force_n") AS "force" FROM "reps" WHERE ${who}${resultTime} ` +
          `GROUP BY "session", "activity", "side"`,
        `SELECT max("peak_force_n") AS "force" FROM "force_efforts" WHERE ${who}${resultTime} ` +
          `GROUP BY "session", "activity", "side"`,
        `SELECT mean("spm") AS "spm", count("spm") AS "n" FROM "cadence" WHERE ${who} AND "spm" > 0${resultTime} GROUP BY "session"`,
      ])) as unknown as [
        { session: string; time: Date }[],
        ExerciseRow[],
        ExerciseRow[],
        { session: string; spm: number | null; n: number | null }[],
      ];

      const facts = new Map<string, SessionFacts>();
      for (const row of sessionRows) {
        facts.set(row.session, {
          session: row.session,
          startedAtMs: row.time.getTime(),
          exercises: [],
          cadenceMeanSpm: null,
          cadencePoints: 0,
        });
      }
      const exercise = (f: SessionFacts, activity: string, side: Side | null): ExerciseFacts => {
        let e = f.exercises.find((x) => x.activity === activity && x.side === side);
        if (!e) {
          e = {
            activity,
            side,
            repCount: 0,
            romMeanDeg: null,
            romMaxDeg: null,
            breakDegMean: null,
            peakForceN: null,
          };
          f.exercises.push(e);
        }
        return e;
      };
      const maxOf = (a: number | null, b: number | null) =>
        a === null ? b : b === null ? a : Math.max(a, b);
      for (const row of repRows) {
        const f = facts.get(row.session);
        if (!f) continue;
        const romMean = num(row.rom_mean);
        const brk = num(row.brk);
        const force = num(row.force);
        if (romMean === null && brk === null && force === null) continue;
        const e = exercise(f, row.activity, asSide(row.side));
        e.romMeanDeg = romMean;
        e.romMaxDeg = num(row.rom_max);
        e.repCount = num(row.n) ?? 0;
        e.breakDegMean = brk;
        e.peakForceN = maxOf(e.peakForceN, force);
      }
      for (const row of effortRows) {
        const f = facts.get(row.session);
        const force = num(row.force);
        if (!f || force === null) continue;
        const e = exercise(f, row.activity, asSide(row.side));
        e.peakForceN = maxOf(e.peakForceN, force);
      }
      for (const row of cadenceRows) {
        const f = facts.get(row.session);
        if (!f) continue;
        f.cadenceMeanSpm = num(row.spm);
        f.cadencePoints = num(row.n) ?? 0;
      }
      return buildSubjectHistory(subject, [...facts.values()], range);
    },
  };
}
