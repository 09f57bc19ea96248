import type { FastifyError, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ERRORS } from '../errors.js';

/** One error shape for the whole API: `{statusCode, code, error, message}` with HAMSTREAM_ERR_* codes. */
const errors: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((e: FastifyError, req, reply) => {
    const statusCode = e.validation ? 400 : (e.statusCode ?? 500);
    const code = e.validation
      ? ERRORS.BAD_REQUEST.code
      : typeof e.code === 'string' && e.code.startsWith('HAMSTREAM_ERR_')
        ? e.code
        : statusCode >= 500
          ? 'HAMSTREAM_ERR_INTERNAL'
          : `HAMSTREAM_ERR_HTTP_${statusCode}`;
    if (statusCode >= 500) req.log.error({ err: e }, 'request failed');
    void reply.code(statusCode).send({
      statusCode,
      code,
      error: httpReason(statusCode),
      message: statusCode >= 500 && !e.code?.startsWith('HAMSTREAM_ERR_') ? 'internal error' : e.message,
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
    default:
      return status >= 500 ? 'Internal Server Error' : 'Error';
  }
}
