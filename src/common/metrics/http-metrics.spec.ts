import { routeLabel } from './http-metrics';
import { UNMATCHED_ROUTE } from './metrics';

describe('routeLabel', () => {
  it('is the template of the matched route, under the router it is mounted on', () => {
    expect(routeLabel({ baseUrl: '', route: { path: '/api/v1/spends/:id' } })).toBe('/api/v1/spends/:id');
    expect(routeLabel({ baseUrl: '/admin', route: { path: '/queues/{*path}' } })).toBe('/admin/queues/{*path}');
  });

  it('is one fixed label for whatever no route answered', () => {
    expect(routeLabel({ baseUrl: '' })).toBe(UNMATCHED_ROUTE);
    expect(routeLabel({ baseUrl: '', route: { path: /regex/ } })).toBe(UNMATCHED_ROUTE);
  });
});
