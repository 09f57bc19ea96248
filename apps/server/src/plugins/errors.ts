import type { FastifyError, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ERRORS } from '../errors.js';

/** One error shape for the whole API: `{statusCode, code, error, message}` with HAMSTREAM_ERR_* codes. */
const errors: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((e: FastifyError & { retryAfterS?: number }, req, reply) => {
    const statusCode = e.validation ? 400 : (e.statusCode ?? 500);
    const own = typeof e.code === 'string' && e.code.startsWith('HAMSTREAM_ERR_');
    const code = own
      ? e.code
      : statusCode === 400
        ? ERRORS.BAD_REQUEST.code
        : statusCode === 413
          ? ERRORS.TOO_LARGE.code
          : statusCode >= 500
            ? 'HAMSTREAM_ERR_INTERNAL'
            : `HAMSTREAM_ERR_HTTP_${statusCode}`;
    // The error only: never the request (its body may hold a password).
    if (statusCode >= 500) req.log.error({ err: e }, 'request failed');
    if (typeof e.retryAfterS === 'number') void reply.header('retry-after', String(e.retryAfterS));
    void reply.code(statusCode).send({
      statusCode,
      code,
      error: httpReason(statusCode),
      message: statusCode >= 500 && !own ? 'internal error' : e.message,
    });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({
      statusCode: 404,
      code: ERRORS.NOT_FOUND.code,
      error: 'Not Found',
      message: `no route ${req.method} ${req.url.split('?')[0]}`,
    });
  });
};

export const errorsPlugin = fp(errors, { name: 'hamstream-errors' });

function httpReason(status: number): string {
  switch (status) {
    case 400:
      return 'Bad Request';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'Not Found';
    case 409:
      return 'Conflict';
    case 413:
      return 'Payload Too Large';
    case 415:
      return 'Unsupported Media Type';
    case 429:
      return 'Too Many Requests';
    default:
      return status >= 500 ? 'Internal Server Error' : 'Error';
  }
}
