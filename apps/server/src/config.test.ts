import { describe, expect, it } from 'vitest';
import { resolveServerConfig } from './config.js';

describe('resolveServerConfig', () => {
  it('defaults to 127.0.0.1:8080 and ./data', () => {
    expect(resolveServerConfig({}, {}, '/srv')).toEqual({
      ok: true,
      value: { host: '127.0.0.1', port: 8080, dataDir: '/srv/data', influxUrl: null },
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
  it('takes the InfluxDB URL from --influx or HAMSTREAM_INFLUX_URL (flag wins), and refuses non-http', () => {
    const env = { HAMSTREAM_INFLUX_URL: 'http://db:8086/clinic' };
    expect(resolveServerConfig({}, env)).toMatchObject({ value: { influxUrl: 'http://db:8086/clinic' } });
    expect(resolveServerConfig({ influx: 'http://x:1/y' }, env)).toMatchObject({
      value: { influxUrl: 'http://x:1/y' },
    });
    expect(resolveServerConfig({}, { HAMSTREAM_INFLUX_URL: ' ' })).toMatchObject({
      value: { influxUrl: null },
    });
    expect(resolveServerConfig({ influx: 'db:8086' }, {})).toEqual({
      ok: false,
      error: 'the InfluxDB URL must be http(s)://[user:pass@]host:port/database, got db:8086',
    });
  });
});
