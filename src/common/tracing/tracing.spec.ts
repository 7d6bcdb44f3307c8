import { serviceName, tracingWanted } from './tracing';

describe('tracingWanted', () => {
  it('is on when OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
  });

  it('is off without one, or with an empty one', () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toBe(false);
    expect(tracingWanted({ OTEL_SERVICE_NAME: 'spendin-api' })).toBe(false);
  });
});

describe('serviceName', () => {
  it("is the process's own unless OTEL_SERVICE_NAME names another", () => {
    expect(serviceName({}, 'spendin-worker')).toBe('spendin-worker');
    expect(serviceName({ OTEL_SERVICE_NAME: ' ' }, 'spendin-worker')).toBe('spendin-worker');
    expect(serviceName({ OTEL_SERVICE_NAME: 'spendin-api-eu' }, 'spendin-api')).toBe('spendin-api-eu');
  });
});
