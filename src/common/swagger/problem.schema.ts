import { ApiResponseOptions } from '@nestjs/swagger';
import { problemTypeUri } from '../errors/domain-error';

export const PROBLEM_SCHEMA_NAME = 'Problem';

/** The RFC 9457 problem body, registered once as `#/components/schemas/Problem`. */
export const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'request_id'],
  properties: {
    type: { type: 'string', format: 'uri', example: 'https://spendin.dev/errors/user-not-found' },
    title: { type: 'string', example: 'User not found' },
    status: { type: 'integer', example: 404 },
    detail: { type: 'string', example: 'User 7d3c2f9e-5b1a-4c8e-9f00-1a2b3c4d5e6f does not exist' },
    code: { type: 'string', description: 'Stable UPPER_SNAKE machine code', example: 'USER_NOT_FOUND' },
    errors: {
      type: 'array',
      description: 'Present on validation failures: one entry per offending field',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: {
          field: { type: 'string', example: 'email' },
          message: { type: 'string', example: 'must be an email' },
        },
      },
    },
    request_id: {
      type: 'string',
      description: 'Equals the X-Request-Id response header',
      example: 'b1f0c1de-2a6b-4f43-9a1e-0c1d2e3f4a5b',
    },
  },
} as const;

export interface ProblemExample {
  status: number;
  code: string;
  title: string;
  detail: string;
}

/** An `application/problem+json` response with one named example per possible code. */
export function problemResponse(examples: ProblemExample[]): ApiResponseOptions {
  return {
    status: examples[0].status,
    description: examples.map((e) => `${e.code}: ${e.title}`).join(' | '),
    content: {
      'application/problem+json': {
        // The codes this response can carry, as an enum a generated client can switch on.
        schema: {
          allOf: [
            { $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}` },
            {
              type: 'object',
              required: ['code'],
              properties: { code: { type: 'string', enum: [...new Set(examples.map((e) => e.code))] } },
            },
          ],
        },
        examples: Object.fromEntries(
          examples.map((e) => [
            e.code,
            {
              summary: e.detail,
              value: {
                type: problemTypeUri(e.code),
                title: e.title,
                status: e.status,
                detail: e.detail,
                code: e.code,
                ...(e.code === 'VALIDATION_FAILED'
                  ? { errors: [{ field: 'email', message: 'must be an email' }] }
                  : {}),
                request_id: 'b1f0c1de-2a6b-4f43-9a1e-0c1d2e3f4a5b',
              },
            },
          ]),
        ),
      },
    },
  };
}
