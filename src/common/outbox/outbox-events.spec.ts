import { isOutboxTopic, outboxPayloadProblem } from './outbox-events';

describe('outboxPayloadProblem', () => {
  const id = '0b6a0c5e-6f1f-4f3c-9a59-7d0c1f3b8a11';

  it('takes the payloads producers write, with or without the sequence the outbox adds', () => {
    expect(outboxPayloadProblem('spend.paid', { spend_id: id, user_id: id, reference: null })).toBeNull();
    expect(outboxPayloadProblem('spend.paid', { spend_id: id, user_id: id, reference: 'R-1', sequence: 3 })).toBeNull();
    expect(outboxPayloadProblem('receipt.ocr_requested', { receipt_id: id, run: 2 })).toBeNull();
    expect(outboxPayloadProblem('webhook.delivery', { delivery_id: id, attempt: 1 })).toBeNull();
  });

  it('takes an older row that lacks a field no consumer reads', () => {
    expect(outboxPayloadProblem('spend.approved', { spend_id: id })).toBeNull();
  });

  it('says what is wrong with a payload no consumer can act on', () => {
    expect(outboxPayloadProblem('spend.paid', { spend_id: 'nope' })).toBe('spend_id is not a uuid');
    expect(outboxPayloadProblem('spend.rejected', { spend_id: id, comment: 7 })).toBe(
      'comment is neither text nor null',
    );
    expect(outboxPayloadProblem('receipt.ocr_requested', { receipt_id: id, run: '2' })).toBe(
      'run is not a positive integer',
    );
    expect(outboxPayloadProblem('webhook.delivery', { delivery_id: id, attempt: 0 })).toBe(
      'attempt is not a positive integer',
    );
    expect(outboxPayloadProblem('notification.email', null)).toBe('payload is not an object');
    expect(outboxPayloadProblem('notification.email', [id])).toBe('payload is not an object');
    expect(outboxPayloadProblem('spend.exploded', { spend_id: id })).toBe('unknown topic spend.exploded');
  });

  it('knows the topics and nothing else', () => {
    expect(isOutboxTopic('receipt.processed')).toBe(true);
    expect(isOutboxTopic('constructor')).toBe(false);
  });
});
