import { type Static, Type } from 'typebox';

/**
 * REST contract of the server (`/api/...`): TypeBox schemas (JSON Schema at run time, TS types through
 * `Static<>`). The server validates requests and serialises responses with them; the dashboard only
 * imports the types. Extend, never break: new fields are optional.
 */

// Null first: with type coercion on (fastify's default), `null` would otherwise become "" for a string.
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);

/** Ids in URLs: pseudonymous, URL-safe, short (subject ids are never names). */
export const IdSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });

/** Account ids (user names): lower case, 2-32 characters. */
export const AccountIdSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{1,31}$' });

export const SideSchema = Type.Union([Type.Literal('left'), Type.Literal('right'), Type.Literal('center')]);
export const ActivitySchema = Type.String({ minLength: 1, maxLength: 64 });

/** A stable machine-readable code (HAMSTREAM_ERR_*) plus a human message. */
export const ApiErrorSchema = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
});
export type ApiError = Static<typeof ApiErrorSchema>;

export const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  liveSessions: Type.Integer(),
});
export type HealthDto = Static<typeof HealthSchema>;

// --- subjects -------------------------------------------------------------------------------------

export const SubjectSchema = Type.Object({
  id: IdSchema,
  /** Free text for the therapist; never a name. */
  note: Nullable(Type.String()),
  /** Habitual running cadence, steps/min, when measured. */
  baselineCadenceSpm: Nullable(Type.Number()),
  createdAt: Type.String(),
  /** The account id of the therapist who owns this subject (null: only admins see it). */
  therapist: Type.Optional(Nullable(Type.String())),
});
export type SubjectDto = Static<typeof SubjectSchema>;

export const SubjectCreateSchema = Type.Object(
  {
    id: IdSchema,
    note: Type.Optional(Type.String({ maxLength: 500 })),
    baselineCadenceSpm: Type.Optional(Type.Number({ minimum: 60, maximum: 260 })),
    /** Admins only: the owning therapist (a therapist always creates subjects for themself). */
    therapist: Type.Optional(AccountIdSchema),
  },
  { additionalProperties: false },
);
export type SubjectCreate = Static<typeof SubjectCreateSchema>;

export const SubjectPatchSchema = Type.Object(
  {
    note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    baselineCadenceSpm: Type.Optional(Nullable(Type.Number({ minimum: 60, maximum: 260 }))),
    /** Admins only: hand the subject (and its sessions) to another therapist. */
    therapist: Type.Optional(Nullable(AccountIdSchema)),
  },
  { additionalProperties: false },
);
export type SubjectPatch = Static<typeof SubjectPatchSchema>;

// --- targets --------------------------------------------------------------------------------------

/** Cadence retraining band: target = baseline × (1 + changePct/100), in zone within ± tolerancePct. */
export const CadenceTargetSchema = Type.Object(
  {
    /** null: use the baseline the engine measures (its first steady minute). */
    baselineSpm: Nullable(Type.Number({ minimum: 60, maximum: 260 })),
    changePct: Type.Number({ minimum: -30, maximum: 30 }),
    tolerancePct: Type.Number({ minimum: 0, maximum: 20 }),
  },
  { additionalProperties: false },
);
export type CadenceTarget = Static<typeof CadenceTargetSchema>;

export const TargetsBodySchema = Type.Object(
  {
    /** ROM target per activity, degrees (e.g. `{"prone-hamstring-curl": 90}`). */
    romDeg: Type.Record(Type.String({ pattern: '^.{1,64}$' }), Type.Number({ minimum: 0, maximum: 360 }), {
      maxProperties: 64,
      additionalProperties: false,
    }),
    cadence: Nullable(CadenceTargetSchema),
  },
  { additionalProperties: false },
);
export type TargetsBody = Static<typeof TargetsBodySchema>;

/** Targets of one subject, or `default` (used for subjects without their own). */
export const TargetsSchema = Type.Object({
  subject: Type.String(),
  romDeg: Type.Record(Type.String(), Type.Number()),
  cadence: Nullable(CadenceTargetSchema),
});
export type TargetsDto = Static<typeof TargetsSchema>;

// --- sessions -------------------------------------------------------------------------------------

export const SessionStatusSchema = Type.Union([
  Type.Literal('created'),
  Type.Literal('live'),
  Type.Literal('ended'),
]);
export type SessionStatus = Static<typeof SessionStatusSchema>;

export const DeviceSummarySchema = Type.Object({
  id: Type.String(),
  driver: Type.String(),
  placement: Type.String(),
  side: Type.String(),
});

export const SessionSchema = Type.Object({
  id: IdSchema,
  subject: Nullable(Type.String()),
  status: SessionStatusSchema,
  /** Wall clock when the session was created on this server. */
  createdAt: Type.String(),
  /** The recording's t = 0 (from the ingest daemon's header), once data flows. */
  startedAt: Nullable(Type.String()),
  endedAt: Nullable(Type.String()),
  devices: Type.Array(DeviceSummarySchema),
  /** Activity now in progress (last mark), null while resting. */
  activity: Nullable(Type.String()),
  side: Nullable(SideSchema),
  /** An ingest daemon is connected right now. */
  ingestOnline: Type.Boolean(),
  /** Recording events stored. */
  eventCount: Type.Integer(),
  /** Data time of the last event, s. */
  durationS: Type.Number(),
  setCount: Type.Integer(),
  repTotal: Type.Integer(),
  /** The account that created the session (its therapist when it has no subject). */
  owner: Type.Optional(Nullable(Type.String())),
});
export type SessionDto = Static<typeof SessionSchema>;

export const SessionCreateSchema = Type.Object(
  {
    /** Optional: the server picks one when absent. The ingest daemon's `--session` must match it. */
    id: Type.Optional(IdSchema),
    subject: Type.Optional(IdSchema),
  },
  { additionalProperties: false },
);
export type SessionCreate = Static<typeof SessionCreateSchema>;

export const SessionListQuerySchema = Type.Object({
  status: Type.Optional(SessionStatusSchema),
  subject: Type.Optional(IdSchema),
});
export type SessionListQuery = Static<typeof SessionListQuerySchema>;

export const SetStartSchema = Type.Object(
  { activity: ActivitySchema, side: Type.Optional(SideSchema) },
  { additionalProperties: false },
);
export type SetStart = Static<typeof SetStartSchema>;

/** The mark written into the session's recording by a set start/stop. */
export const MarkResultSchema = Type.Object({
  session: Type.String(),
  mark: Type.Object({
    type: Type.Literal('mark'),
    t: Type.Number(),
    activity: Nullable(Type.String()),
    side: Type.Optional(SideSchema),
  }),
});
export type MarkResult = Static<typeof MarkResultSchema>;

// --- analysis (analyze-output.md), as stored in summary.json ---------------------------------------

const N = Nullable(Type.Number());
const ON = Type.Optional(N);

export const RepResultSchema = Type.Object({
  startS: Type.Number(),
  endS: Type.Number(),
  romDeg: N,
  peakDeg: N,
  concentricS: N,
  eccentricS: N,
  holdS: N,
  peakForceN: N,
  breakDeg: ON,
  rfd100NPerS: ON,
  rfd200NPerS: ON,
  impulseNs: ON,
});

export const SetResultSchema = Type.Object({
  device: Type.String(),
  activity: Type.String(),
  side: Nullable(SideSchema),
  startS: Type.Number(),
  endS: Type.Number(),
  repCount: Type.Integer(),
  reps: Type.Array(RepResultSchema),
  summary: Type.Optional(
    Type.Object({
      romMeanDeg: N,
      romMaxDeg: N,
      holdTotalS: ON,
      peakForceN: ON,
      breakDegMean: ON,
    }),
  ),
});

export const AnalyzeOutputSchema = Type.Object({
  recording: Type.Object({
    startedAt: Type.String(),
    durationS: Type.Number(),
    devices: Type.Array(Type.String()),
  }),
  sets: Type.Array(SetResultSchema),
  cadence: Type.Array(
    Type.Object({ device: Type.String(), tS: Type.Number(), spm: Type.Number(), changePct: ON }),
  ),
  quality: Type.Array(
    Type.Object({
      device: Type.String(),
      packets: Type.Integer(),
      samples: Type.Integer(),
      gaps: Type.Integer(),
      lostSamples: Type.Integer(),
      decodeErrors: Type.Integer(),
      rateHz: N,
      disconnects: Type.Optional(Type.Integer()),
    }),
  ),
  asymmetry: Type.Optional(
    Type.Array(
      Type.Object({
        activity: Type.String(),
        metric: Type.Union([Type.Literal('peakForceN'), Type.Literal('romDeg')]),
        left: Type.Number(),
        right: Type.Number(),
        asymmetryPct: Type.Number(),
        flag: Type.Union([Type.Literal('none'), Type.Literal('ge15'), Type.Literal('ge20')]),
      }),
    ),
  ),
});

/** A session's summary: the analysis of its recording (final once ended, provisional while live). */
export const SessionSummarySchema = Type.Object({
  session: SessionSchema,
  provisional: Type.Boolean(),
  analysis: AnalyzeOutputSchema,
});
export type SessionSummaryDto = Static<typeof SessionSummarySchema>;

// --- accounts, sign-in and daemon tokens (docs/server.md, "Security") ------------------------------

/**
 * State-changing requests authenticated by the session cookie must carry this header (any value; the
 * dashboard sends "1"). A cross-site form cannot set it, and a cross-site script cannot send it without a
 * CORS preflight, which the server never grants. Bearer-token requests do not need it.
 */
export const CSRF_HEADER = 'x-hamstream-csrf';

export const RoleSchema = Type.Union([
  Type.Literal('admin'),
  Type.Literal('therapist'),
  Type.Literal('runner'),
]);
export type Role = Static<typeof RoleSchema>;

/** Passwords: at least 12 characters (a passphrase), at most 256 (hashing cost stays bounded). */
export const NewPasswordSchema = Type.String({ minLength: 12, maxLength: 256 });

export const LoginSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    /** API clients: answer a bearer token instead of setting the session cookie. */
    bearer: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type LoginRequest = Static<typeof LoginSchema>;

export const DemoLoginSchema = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

/** The signed-in account, as the dashboard needs it. */
export const MeSchema = Type.Object({
  id: Type.String(),
  role: RoleSchema,
  /** Runners: their own subject id. */
  subject: Nullable(Type.String()),
  /** The demo user: sees only the demo's simulated data (the dashboard shows a banner). */
  demo: Type.Boolean(),
  /** Until the password is changed only /api/auth/* answers. */
  mustChangePassword: Type.Boolean(),
});
export type MeDto = Static<typeof MeSchema>;

export const LoginResultSchema = Type.Object({
  account: MeSchema,
  /** When this sign-in ends (ISO time); sign in again after it. */
  expiresAt: Type.String(),
  /** Only with `bearer: true`: send as `Authorization: Bearer <token>`. */
  token: Type.Optional(Type.String()),
});
export type LoginResult = Static<typeof LoginResultSchema>;

export const PasswordChangeSchema = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: NewPasswordSchema },
  { additionalProperties: false },
);
export type PasswordChange = Static<typeof PasswordChangeSchema>;

export const AccountSchema = Type.Object({
  id: Type.String(),
  role: RoleSchema,
  subject: Nullable(Type.String()),
  demo: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
});
export type AccountDto = Static<typeof AccountSchema>;

export const AccountCreateSchema = Type.Object(
  {
    id: AccountIdSchema,
    role: RoleSchema,
    /** Runners: the subject they are (required for runners, refused for others). */
    subject: Type.Optional(IdSchema),
  },
  { additionalProperties: false },
);
export type AccountCreate = Static<typeof AccountCreateSchema>;

export const AccountPatchSchema = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    subject: Type.Optional(Nullable(IdSchema)),
    disabled: Type.Optional(Type.Boolean()),
    /** A new one-time password (answered once); the account must change it at its next sign-in. */
    resetPassword: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);
export type AccountPatch = Static<typeof AccountPatchSchema>;

export const AccountResultSchema = Type.Object({
  account: AccountSchema,
  /** Shown once: hand it to the person; it must be changed at the first sign-in. */
  oneTimePassword: Type.Optional(Type.String()),
});
export type AccountResult = Static<typeof AccountResultSchema>;

export const DaemonTokenCreateSchema = Type.Object(
  {
    /** The sessions this daemon may write (and nothing else). */
    sessions: Type.Array(IdSchema, { minItems: 1, maxItems: 100 }),
    label: Type.Optional(Type.String({ maxLength: 100 })),
    /** Validity, hours (default 7 days, at most a year). */
    ttlHours: Type.Optional(Type.Number({ minimum: 0.01, maximum: 8760 })),
  },
  { additionalProperties: false },
);
export type DaemonTokenCreate = Static<typeof DaemonTokenCreateSchema>;

export const DaemonTokenSchema = Type.Object({
  id: Type.String(),
  sessions: Type.Array(Type.String()),
  label: Nullable(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.String(),
});
export type DaemonTokenDto = Static<typeof DaemonTokenSchema>;

export const DaemonTokenCreatedSchema = Type.Object({
  token: DaemonTokenSchema,
  /** The secret, shown once (only its hash is stored): `hamstream ingest --token <secret>`. */
  secret: Type.String(),
});
export type DaemonTokenCreated = Static<typeof DaemonTokenCreatedSchema>;

// --- subject history ----------------------------------------------------------------------------

/** A point's change against the series' baseline, judged with the minimal detectable change. */
export const ChangeStatusSchema = Type.Union([
  Type.Literal('baseline'),
  Type.Literal('no-real-change'),
  Type.Literal('improved'),
  Type.Literal('worsened'),
  Type.Literal('increased'),
  Type.Literal('decreased'),
]);
export type ChangeStatus = Static<typeof ChangeStatusSchema>;

export const ProgressPointSchema = Type.Object({
  session: Type.String(),
  startedAt: Type.String(),
  value: Type.Number(),
  change: Type.Object({
    status: ChangeStatusSchema,
    delta: Type.Number(),
    deltaPct: Nullable(Type.Number()),
    mdc: Type.Number(),
  }),
});
export type ProgressPointDto = Static<typeof ProgressPointSchema>;

export const ProgressSeriesSchema = Type.Object({
  metric: Type.String(),
  activity: Nullable(Type.String()),
  side: Nullable(Type.String()),
  unit: Type.String(),
  baseline: Type.Number(),
  points: Type.Array(ProgressPointSchema),
});
export type ProgressSeriesDto = Static<typeof ProgressSeriesSchema>;

export const MdcSchema = Type.Object({
  value: Type.Number(),
  relative: Type.Boolean(),
  unit: Type.String(),
  better: Type.String(),
  source: Type.String(),
  assumption: Type.Boolean(),
});

/**
 * `GET /api/subjects/:id/history`: the `SubjectHistory` of @hamstream/storage (the same from the data
 * folder and from InfluxDB).
 */
export const SubjectHistorySchema = Type.Object({
  subject: Type.String(),
  range: Type.Object({ from: Nullable(Type.String()), to: Nullable(Type.String()) }),
  sessions: Type.Array(Type.Object({ session: Type.String(), startedAt: Type.String() })),
  rom: Type.Array(ProgressSeriesSchema),
  peakForce: Type.Array(ProgressSeriesSchema),
  asymmetry: Type.Array(ProgressSeriesSchema),
  nordicBreak: Type.Array(ProgressSeriesSchema),
  cadence: Nullable(ProgressSeriesSchema),
  mdc: Type.Record(Type.String(), MdcSchema),
});
export type SubjectHistoryDto = Static<typeof SubjectHistorySchema>;
