/**
 * The Bull queues of the application's consumers, one per consumer and named after it
 * (`Consumer.name`): registered with BullModule when REDIS_URL is set, so that Nest makes
 * them from the one root configuration and closes them at shutdown. A consumer registered
 * under another name (the test suites' recorders) gets a queue made the same way, from the
 * same configuration, on first use.
 */
export const JOB_QUEUES = [
  'ocr',
  'notifications',
  'email',
  'password-reset-email',
  'webhooks',
  'webhook-deliveries',
  'stored-reports',
] as const;
