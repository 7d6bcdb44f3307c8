import type { Response } from 'supertest';

/**
 * Asserts an RFC 9457 problem answer: status, content type, stable code, request id echoed
 * in the body and the header, and nothing internal leaking out.
 */
export function expectProblem(response: Response, status: number, code: string): void {
  const summary = `${response.status} ${JSON.stringify(response.body)}`;
  expect({ status: response.status, code: response.body?.code, summary }).toEqual({ status, code, summary });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    status,
    code,
    type: expect.stringMatching(/^https:\/\/spendin\.dev\/errors\//),
    title: expect.any(String),
  });
  expect(response.body.request_id).toBe(response.headers['x-request-id']);
  expect(JSON.stringify(response.body)).not.toMatch(/\bat .+\.(ts|js):\d+|SELECT |INSERT |node_modules/);
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
