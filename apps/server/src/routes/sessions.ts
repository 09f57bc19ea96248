import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  MarkResultSchema,
  SessionCreateSchema,
  SessionListQuerySchema,
  type SessionLiveState,
  SessionSchema,
  SessionSummarySchema,
  SetStartSchema,
  type WallTile,
} from '@hamstream/protocol';
import { Type } from 'typebox';
import { canReadSession, canWriteSubject } from '../auth/policy.js';
import { orThrow, ProblemError, problem } from '../errors.js';
import type { LiveSession } from '../live/live-session-registry.js';
import { receiveUpload, validateRecordingFile } from '../storage/upload.js';
import { errorResponses, IdParams, type RouteDeps, who } from './deps.js';

/** Media types an uploaded recording may come as (gzip is recognised by its magic bytes either way). */
const RECORDING_TYPES = [
  'application/x-ndjson',
  'application/jsonl',
  'application/gzip',
  'application/octet-stream',
];

/** Live views are typed by @hamstream/protocol; on the wire they are serialised as they are. */
const LiveStateSchema = Type.Unsafe<SessionLiveState>({ type: 'object', additionalProperties: true });
const WallTileSchema = Type.Unsafe<WallTile>({ type: 'object', additionalProperties: true });

export const sessionRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (
  app,
  { registry, store, lookups, uploadLimits, uploadDir },
) => {
  const find = (id: string): LiveSession => {
    const s = registry.get(id);
    if (!s) throw new ProblemError(problem('NOT_FOUND', `no session ${id}`));
    return s;
  };
  // Recordings arrive as a stream and go to a file, never into memory (this plugin's routes only).
  app.addContentTypeParser(RECORDING_TYPES, (_req, payload, done) => done(null, payload));
  const session = { access: 'account', owns: { kind: 'session', param: 'id' } } as const;
  const sessionWrite = { access: 'staff', owns: { kind: 'session', param: 'id' } } as const;

  app.get(
    '/api/sessions',
    {
      config: { access: 'account' },
      schema: {
        summary: 'The sessions you may see, newest first',
        querystring: SessionListQuerySchema,
        response: { 200: Type.Array(SessionSchema), ...errorResponses },
      },
    },
    async (req) =>
      registry
        .list()
        .filter((s) => canReadSession(who(req), s.meta, lookups.subject))
        .filter((s) => (req.query.status ? s.meta.status === req.query.status : true))
        .filter((s) => (req.query.subject ? s.meta.subject === req.query.subject : true))
        .sort((a, b) => b.meta.createdAt.localeCompare(a.meta.createdAt) || a.id.localeCompare(b.id))
        .map((s) => registry.toDto(s)),
  );

  app.post(
    '/api/sessions',
    {
      config: { access: 'staff' },
      schema: {
        summary:
          'Create a session (for one of your subjects); then create a daemon token for it (POST /api/daemon-tokens)',
        body: SessionCreateSchema,
        response: { 201: SessionSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const p = who(req);
      if (req.body.subject) {
        const subject = store.getSubject(req.body.subject);
        if (!subject) throw new ProblemError(problem('NOT_FOUND', `no subject ${req.body.subject}`));
        if (!canWriteSubject(p, subject)) {
          throw new ProblemError(problem('FORBIDDEN', `subject ${req.body.subject} is not yours`));
        }
      }
      const meta = orThrow(
        await registry.createSession({
          ...(req.body.id ? { id: req.body.id } : {}),
          ...(req.body.subject ? { subject: req.body.subject } : {}),
          owner: p.id,
        }),
      );
      return reply.code(201).send(registry.toDto(find(meta.id)));
    },
  );

  app.get(
    '/api/sessions/:id',
    {
      config: session,
      schema: {
        summary: 'One session',
        params: IdParams,
        response: { 200: SessionSchema, ...errorResponses },
      },
    },
    async (req) => registry.toDto(find(req.params.id)),
  );

  app.post(
    '/api/sessions/:id/sets/start',
    {
      config: sessionWrite,
      schema: {
        summary: 'Start a set: writes a mark (activity, side) into the session’s recording',
        params: IdParams,
        body: SetStartSchema,
        response: { 200: MarkResultSchema, ...errorResponses },
      },
    },
    async (req) => {
      const mark = orThrow(await registry.mark(req.params.id, req.body.activity, req.body.side));
      return { session: req.params.id, mark };
    },
  );

  app.post(
    '/api/sessions/:id/sets/stop',
    {
      config: sessionWrite,
      schema: {
        summary: 'Stop the set: writes a rest mark (activity null)',
        params: IdParams,
        response: { 200: MarkResultSchema, ...errorResponses },
      },
    },
    async (req) => {
      const mark = orThrow(await registry.mark(req.params.id, null));
      return { session: req.params.id, mark };
    },
  );

  app.post(
    '/api/sessions/:id/end',
    {
      config: sessionWrite,
      schema: {
        summary: 'End the session: final summary written, recording closed, ingest refused from now on',
        params: IdParams,
        response: { 200: SessionSchema, ...errorResponses },
      },
    },
    async (req) => {
      orThrow(await registry.endSession(req.params.id));
      return registry.toDto(find(req.params.id));
    },
  );

  app.get(
    '/api/sessions/:id/summary',
    {
      config: session,
      schema: {
        summary: 'The analysis of the session (analyze-output.md); provisional while live',
        params: IdParams,
        response: { 200: SessionSummarySchema, ...errorResponses },
      },
    },
    async (req) => {
      const s = find(req.params.id);
      const stored = s.meta.status === 'ended' ? await store.readSummary(s.id) : null;
      const summary = stored ?? registry.summaryOf(s);
      return { session: registry.toDto(s), provisional: summary.provisional, analysis: summary.analysis };
    },
  );

  app.get(
    '/api/sessions/:id/live',
    {
      config: session,
      schema: {
        summary: 'The live view state (what the /live socket sends), for polling clients',
        params: IdParams,
        response: { 200: LiveStateSchema, ...errorResponses },
      },
    },
    async (req) => find(req.params.id).model.state(),
  );

  app.get(
    '/api/sessions/:id/recording',
    {
      config: session,
      schema: {
        summary: 'The session’s recording (recording-format.md, JSON Lines)',
        params: IdParams,
        response: { 200: Type.Unsafe<string>({ type: 'string' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const s = find(req.params.id);
      await s.appender?.flush();
      const path = store.recordingPath(s.id);
      if (!path) throw new ProblemError(problem('NOT_FOUND', `session ${s.id} has no recording yet`));
      return reply
        .type('application/x-ndjson')
        .header('content-disposition', `attachment; filename="${s.id}.rec.jsonl"`)
        .send(createReadStream(path) as unknown as string); // streamed as-is; the schema documents it as text
    },
  );

  app.get(
    '/api/wall',
    {
      config: { access: 'account' },
      schema: {
        summary: 'Every live session as a wall tile (what the /live socket sends to the wall)',
        response: { 200: Type.Array(WallTileSchema), ...errorResponses },
      },
    },
    async (req) =>
      registry
        .liveSessions()
        .filter((s) => canReadSession(who(req), s.meta, lookups.subject))
        .map((s) => s.model.tile()),
  );

  app.put(
    '/api/sessions/:id/recording',
    {
      config: sessionWrite,
      schema: {
        summary:
          'Upload a recording made offline (JSON Lines, plain or gzip) into a session no daemon has fed: validated whole before anything is stored, then analysed; the session ends',
        params: IdParams,
        response: { 200: SessionSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const body = req.body as Readable | undefined;
      if (!body || typeof (body as Partial<Readable>).pipe !== 'function') {
        throw new ProblemError(
          problem('BAD_RECORDING', `send the recording as ${RECORDING_TYPES[0]} (or application/gzip)`),
        );
      }
      const s = find(req.params.id);
      if (s.meta.status !== 'created' || s.meta.header !== null) {
        body.resume();
        throw new ProblemError(problem('CONFLICT', `session ${s.id} already has data`));
      }
      await mkdir(uploadDir, { recursive: true, mode: 0o700 });
      const path = join(uploadDir, `${s.id}-${randomBytes(6).toString('hex')}.upload`);
      try {
        const received = await receiveUpload(body, path, uploadLimits.maxBytes);
        // The rest of a too-large body is never read: answer, then drop the connection.
        if (!received.ok) void reply.header('connection', 'close');
        orThrow(received);
        orThrow(await validateRecordingFile(path, uploadLimits));
        orThrow(await registry.importRecording(s.id, path));
      } finally {
        await unlink(path).catch(() => undefined);
      }
      return registry.toDto(find(s.id));
    },
  );
};
