import { currentTraceParent, inJobSpan, validTraceParent } from './trace-context';

describe('validTraceParent', () => {
  it('keeps a W3C traceparent', () => {
    const value = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(validTraceParent(value)).toBe(value);
  });

  it('refuses anything else, so nothing else reaches the outbox or a span', () => {
    for (const value of [
      undefined,
      null,
      42,
      '',
      'abc',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      '00-4bf9-00f0-01',
    ]) {
      expect(validTraceParent(value)).toBeNull();
    }
  });
});

describe('without a tracing SDK', () => {
  it('stores no traceparent, and a job span just runs the job', async () => {
    expect(currentTraceParent()).toBeNull();
    await expect(inJobSpan('notifications', { outboxId: '1', topic: 'spend.submitted' }, async () => 7)).resolves.toBe(
      7,
    );
    await expect(
      inJobSpan('notifications', { outboxId: '1', topic: 'spend.submitted' }, () => Promise.reject(new Error('down'))),
    ).rejects.toThrow('down');
  });
});
