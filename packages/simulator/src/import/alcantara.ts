import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RecordingEvent, RecordingHeader } from '@hamstream/core';
import { RECORDING_FORMAT, RECORDING_VERSION } from '@hamstream/core';
import { STANDARD_GRAVITY_MS2 } from '../physics/segment.js';
import { num, readCsv, round } from './csv.js';
import { ALCANTARA } from './provenance.js';
import { type DatasetImporter, IMPORT_EPOCH, type ImportedRecording } from './types.js';

const RATE_HZ = 500;

/**
 * Alcantara et al. treadmill running: one recording per 4.96 s trial from the sacral biaxial
 * accelerometer (placement pelvis); cadence truth per trial from force-plate contacts.
 */
export const alcantaraImporter: DatasetImporter = {
  id: ALCANTARA.dataset,
  detect: (dir) =>
    existsSync(path.join(dir, 'cadence_from_grf.csv')) && existsSync(path.join(dir, 'signals.csv')),
  async *recordings(dir): AsyncGenerator<ImportedRecording> {
    const signals = await readCsv(path.join(dir, 'signals.csv'));
    const cadence = await readCsv(path.join(dir, 'cadence_from_grf.csv'));
    const contacts = await readCsv(path.join(dir, 'contacts_from_grf.csv'));
    const trials = await readCsv(path.join(dir, 'trials.csv'));
    const cTrial = signals.col('trial');
    const cSample = signals.col('sample');
    const cV = signals.col('acc_vertical');
    const cAp = signals.col('acc_ap');
    const byTrial = new Map<number, string[][]>();
    for (const r of signals.rows) {
      const t = num(r[cTrial]);
      const list = byTrial.get(t);
      if (list) list.push(r);
      else byTrial.set(t, [r]);
    }
    for (const crow of cadence.rows) {
      const trial = num(crow[cadence.col('trial')]);
      const rows = byTrial.get(trial) ?? [];
      const trow = trials.rows.find((r) => num(r[trials.col('trial')]) === trial);
      const cond = {
        speedMps: num(crow[cadence.col('speed_m_s')]),
        slopeDeg: num(crow[cadence.col('slope_deg')]),
        stepFreqManipulationPct: num(crow[cadence.col('step_freq_manipulation_pct')]),
      };
      const events: RecordingEvent[] = [{ type: 'mark', t: 0, activity: 'run' }];
      for (const r of rows) {
        events.push({
          type: 'sample',
          t: num(r[cSample]) * (1000 / RATE_HZ),
          device: 'sacrum',
          acc: [round(num(r[cAp]) * STANDARD_GRAVITY_MS2, 5), 0, round(num(r[cV]) * STANDARD_GRAVITY_MS2, 5)],
        });
      }
      const durationS = rows.length / RATE_HZ;
      const header: RecordingHeader = {
        type: 'header',
        format: RECORDING_FORMAT,
        version: RECORDING_VERSION,
        startedAt: IMPORT_EPOCH,
        subject: 'alcantara-sub2',
        activity: 'run',
        devices: [
          {
            id: 'sacrum',
            driver: 'imported',
            placement: 'pelvis',
            side: 'center',
            name: 'custom biaxial accelerometer',
            config: {
              rateHz: RATE_HZ,
              measurements: ['acc'],
              location: 'sacrum',
              axes: {
                x: 'anteroposterior',
                y: 'absent (biaxial sensor; written as 0)',
                z: 'vertical, gravity included, negative values clipped to 0 by the authors',
              },
            },
          },
        ],
        imported: { dataset: ALCANTARA.dataset, trial },
      };
      const steps = contacts.rows
        .filter((r) => num(r[contacts.col('trial')]) === trial)
        .map((r) => ({ icS: num(r[contacts.col('ic_time_s')]), tcS: num(r[contacts.col('tc_time_s')]) }));
      const spm = num(crow[cadence.col('cadence_steps_per_min')]);
      yield {
        name: `alcantara_trial${String(trial).padStart(2, '0')}`,
        recording: {
          header,
          events,
          labels: {
            sets: [
              { device: 'sacrum', activity: 'run', side: 'center', startS: 0, endS: durationS, reps: [] },
            ],
            cadence: [
              {
                fromS: num(crow[cadence.col('first_ic_s')]),
                toS: num(crow[cadence.col('last_ic_s')]),
                spm,
                device: 'sacrum',
              },
            ],
            steps,
            stepCount: num(crow[cadence.col('n_complete_contacts')]),
            stepTimeSdS: num(crow[cadence.col('sd_step_time_s')]),
            conditions: {
              ...cond,
              ...(trow
                ? { massKg: num(trow[trials.col('mass_kg')]), heightCm: num(trow[trials.col('height_cm')]) }
                : {}),
            },
            provenance: {
              ...ALCANTARA,
              files: ['signals.csv', 'cadence_from_grf.csv', 'contacts_from_grf.csv', 'trials.csv'],
              groundTruth:
                'Cadence = 60 / mean IC-to-IC interval of complete force-plate contacts (normal GRF > 5 % BW), steps/min, over [first IC, last IC]; contacts (IC/TC) in `steps`.',
            },
          },
        },
      };
    }
  },
};
