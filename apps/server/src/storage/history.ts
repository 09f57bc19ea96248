import {
  buildSubjectHistory,
  createInfluxHistoryStore,
  createLocalStore,
  factsFromAnalyzeOutput,
  type HistoryRange,
  type HistoryStore,
  inRange,
  type SubjectHistory,
} from '@hamstream/storage';
import type { LiveSessionRegistry } from '../live/live-session-registry.js';

/**
 * History from the local data folder (no InfluxDB): the storage package's local store, restricted to
 * the sessions this server attributes to the subject and that have ended. A summary or recording
 * header that merely names the subject (a daemon's claim the server did not accept) never counts, so
 * nobody sees another account's session through a subject's history. Ended only, like InfluxDB (its
 * `sessions` point is written at the end): a half-done session is not a progress data point.
 */
export function createServerLocalHistory(dataDir: string, registry: LiveSessionRegistry): HistoryStore {
  const local = createLocalStore(dataDir);
  return {
    async subjectHistory(subject: string, range?: HistoryRange): Promise<SubjectHistory> {
      const ids = new Set(
        registry
          .list()
          .filter((s) => s.meta.subject === subject && s.meta.status === 'ended')
          .map((s) => s.id),
      );
      const stored = await Promise.all([...ids].map((id) => local.session(id)));
      const facts = stored
        .filter((s) => s !== null && inRange(s.startedAtMs, range))
        .map((s) => factsFromAnalyzeOutput(s!.session, s!.startedAtMs, s!.analysis, s!.devices));
      return buildSubjectHistory(subject, facts, range);
    },
  };
}

/** InfluxDB when configured (`--influx`), else the data folder: the same `SubjectHistory` either way. */
export function createServerHistory(options: {
  dataDir: string;
  registry: LiveSessionRegistry;
  influxUrl?: string | undefined;
}): HistoryStore {
  return options.influxUrl
    ? createInfluxHistoryStore(options.influxUrl)
    : createServerLocalHistory(options.dataDir, options.registry);
}
