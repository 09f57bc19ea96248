import type { RecordingHeader } from '@hamstream/core';

/** A complete header (every optional field set) of one WitMotion on the left shank; a fresh object per call. */
export function curlHeader(): RecordingHeader {
  return {
    type: 'header',
    format: 'hamstream.recording',
    version: 1,
    startedAt: '2026-11-20T10:00:00.000Z',
    subject: 'athlete-07',
    activity: 'prone-hamstring-curl',
    devices: [
      {
        id: 'L-shank',
        driver: 'witmotion-wt901',
        placement: 'shank',
        side: 'left',
        name: 'WT901BLE67',
        address: 'c1:22:33:44:55:66',
        config: { rateHz: 100 },
      },
    ],
  };
}
