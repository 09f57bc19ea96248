import { describe, expect, it } from 'vitest';
import { resolveServerConfig } from './config.js';

describe('resolveServerConfig', () => {
  it('defaults to 127.0.0.1:8080 and ./data', () => {
    expect(resolveServerConfig({}, {}, '/srv')).toEqual({
      ok: true,
      value: { host: '127.0.0.1', port: 8080, dataDir: '/srv/data' },
    });
  });
  it('takes PORT and HAMSTREAM_DATA, flags win', () => {
    const env = { PORT: '9000', HAMSTREAM_DATA: '/var/h' };
    expect(resolveServerConfig({}, env, '/srv')).toMatchObject({ value: { port: 9000, dataDir: '/var/h' } });
    expect(resolveServerConfig({ port: '0', data: 'd', host: '0.0.0.0' }, env, '/srv')).toMatchObject({
      value: { host: '0.0.0.0', port: 0, dataDir: '/srv/d' },
    });
  });
  it('treats empty variables as unset', () => {
    expect(resolveServerConfig({}, { PORT: '', HAMSTREAM_DATA: ' ' }, '/srv')).toMatchObject({
      value: { port: 8080, dataDir: '/srv/data' },
    });
  });
  it('says what is wrong with a port', () => {
    expect(resolveServerConfig({ port: 'http' }, {})).toEqual({
      ok: false,
      error: 'port must be an integer 0-65535 (0: any free port), got http',
    });
    expect(resolveServerConfig({ port: '70000' }, {}).ok).toBe(false);
  });
});
