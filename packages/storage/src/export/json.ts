import type { AnalyzeOutput, DeviceInfo } from '@hamstream/core';
import type { StoredSession } from '../local-store.js';

/** `hamstream export SESSION --format json`: the session's identity, devices and full analysis. */
export interface SessionExport {
  format: 'hamstream.session';
  version: 1;
  session: string;
  subject: string;
  startedAt: string;
  devices: DeviceInfo[];
  analysis: AnalyzeOutput;
}

export function sessionToJson(s: StoredSession): SessionExport {
  return {
    format: 'hamstream.session',
    version: 1,
    session: s.session,
    subject: s.subject,
    startedAt: s.startedAt,
    devices: s.devices,
    analysis: s.analysis,
  };
}
