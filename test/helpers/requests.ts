import request from 'supertest';
import type { App } from 'supertest/types';
import { bearer } from './problems';

/** Whoever holds an access token: a TestUser, an organization's admin. */
export interface Caller {
  accessToken: string;
}

/** Requests on behalf of one caller (its bearer token) against the versioned API: `t.as(admin).get('/spends')`. */
export interface CallerRequests {
  get(path: string): request.Test;
  /** Sends `body` as JSON; `{}` when none is given. */
  post(path: string, body?: object): request.Test;
  patch(path: string, body: object): request.Test;
  /** Sends `body` as JSON when given, no body otherwise. */
  put(path: string, body?: object): request.Test;
  delete(path: string): request.Test;
}

export function requestsAs(http: App, caller: Caller): CallerRequests {
  const authorized = (test: request.Test) => test.set(bearer(caller.accessToken));
  return {
    get: (path) => authorized(request(http).get(`/api/v1${path}`)),
    post: (path, body = {}) => authorized(request(http).post(`/api/v1${path}`)).send(body),
    patch: (path, body) => authorized(request(http).patch(`/api/v1${path}`)).send(body),
    put: (path, body) => {
      const test = authorized(request(http).put(`/api/v1${path}`));
      return body === undefined ? test : test.send(body);
    },
    delete: (path) => authorized(request(http).delete(`/api/v1${path}`)),
  };
}
