import { routeLabel } from './http-metrics';
import { UNMATCHED_ROUTE } from './metrics';

describe('routeLabel', () => {
  it('is the template of the matched route, under the router it is mounted on', () => {
    expect(routeLabel({ baseUrl: '', route: { path: '/api/v1/spends/:id' } }, 200)).toBe('/api/v1/spends/:id');
    expect(routeLabel({ baseUrl: '', route: { path: '/api/v1/spends/:id' } }, 404)).toBe('/api/v1/spends/:id');
    expect(routeLabel({ baseUrl: '/admin', route: { path: '/queues/{*path}' } }, 200)).toBe('/admin/queues/{*path}');
  });

  it('is one fixed label for whatever no route answered', () => {
    expect(routeLabel({ baseUrl: '' }, 404)).toBe(UNMATCHED_ROUTE);
    expect(routeLabel({ baseUrl: '' }, 200)).toBe(UNMATCHED_ROUTE);
    expect(routeLabel({ baseUrl: '', route: { path: /regex/ } }, 200)).toBe(UNMATCHED_ROUTE);
    // Nest's answer to an unknown path under the global prefix.
    expect(routeLabel({ baseUrl: '', route: { path: '/api/v1*path' } }, 404)).toBe(UNMATCHED_ROUTE);
  });
});
