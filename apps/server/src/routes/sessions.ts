import { createReadStream } from 'node:fs';
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
import { orThrow, ProblemError, problem } from '../errors.js';
import type { LiveSession } from '../live/live-session-registry.js';
import { errorResponses, IdParams, type RouteDeps } from './deps.js';

/** Live views are typed by @hamstream/protocol; on the wire they are serialised as they are. */
const LiveStateSchema = Type.Unsafe<SessionLiveState>({ type: 'object', additionalProperties: true });
const WallTileSchema = Type.Unsafe<WallTile>({ type: 'object', additionalProperties: true });

export const sessionRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { registry, store }) => {
  const find = (id: string): LiveSession => {
    const s = registry.get(id);
    if (!s) throw new ProblemError(problem('NOT_FOUND', `no session ${id}`));
    return s;
  };

  app.get(
    '/api/sessions',
    {
      config: { access: 'therapist' },
      schema: {
        summary: 'Sessions, newest first',
        querystring: SessionListQuerySchema,
        response: { 200: Type.Array(SessionSchema), ...errorResponses },
      },
    },
    async (req) =>
      registry
        .list()
        .filter((s) => (req.query.status ? s.meta.status === req.query.status : true))
        .filter((s) => (req.query.subject ? s.meta.subject === req.query.subject : true))
        .sort((a, b) => b.meta.createdAt.localeCompare(a.meta.createdAt) || a.id.localeCompare(b.id))
        .map((s) => registry.toDto(s)),
  );

  app.post(
    '/api/sessions',
    {
      config: { access: 'therapist' },
      schema: {
        summary: 'Create a session; its ingest daemon then says hello with the same id',
        body: SessionCreateSchema,
        response: { 201: SessionSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const meta = orThrow(
        await registry.createSession({
          ...(req.body.id ? { id: req.body.id } : {}),
          ...(req.body.subject ? { subject: req.body.subject } : {}),
        }),
      );
      return reply.code(201).send(registry.toDto(find(meta.id)));
    },
  );

  app.get(
    '/api/sessions/:id',
    {
      config: { access: 'therapist' },
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
      config: { access: 'therapist' },
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
      config: { access: 'therapist' },
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
      config: { access: 'therapist' },
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
      config: { access: 'therapist' },
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
      config: { access: 'therapist' },
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
      config: { access: 'therapist' },
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
      config: { access: 'therapist' },
      schema: {
        summary: 'Every live session as a wall tile (what the /live socket sends to the wall)',
        response: { 200: Type.Array(WallTileSchema), ...errorResponses },
      },
    },
    async () => registry.liveSessions().map((s) => s.model.tile()),
  );
};
