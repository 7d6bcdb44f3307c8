import { expiryOf, parameterProblems, storedParameters, summaryFilename } from './stored-report';

describe('stored report parameters', () => {
  it('refuses group_by on exports and unbooked statuses on journals, as the synchronous endpoints do', () => {
    expect(parameterProblems('summary', { group_by: 'month', status: ['draft'] })).toEqual([]);
    expect(parameterProblems('csv', { group_by: 'month' })).toEqual([
      { field: 'parameters.group_by', message: 'applies to kind summary only' },
    ]);
    expect(parameterProblems('journal', { status: ['approved', 'paid'] })).toEqual([]);
    expect(parameterProblems('journal', { status: ['approved', 'pending_approval'] })).toEqual([
      { field: 'parameters.status', message: 'a journal books approved and paid spends only' },
    ]);
    expect(parameterProblems('xlsx', { status: ['pending_approval'] })).toEqual([]);
  });

  it('stores only what was given, without repeated statuses, and the summary its grouping', () => {
    expect(storedParameters('csv', { status: ['paid', 'paid', 'approved'] })).toEqual({ status: ['paid', 'approved'] });
    expect(storedParameters('csv', { status: [] })).toEqual({});
    expect(storedParameters('summary', { from: '2026-01-01' })).toEqual({ from: '2026-01-01', group_by: 'category' });
    expect(storedParameters('summary', { to: '2026-02-01', group_by: 'user' })).toEqual({
      to: '2026-02-01',
      group_by: 'user',
    });
  });

  it('expires a file the retention hours after it was made', () => {
    expect(expiryOf(new Date('2026-03-01T10:00:00.000Z'), 72).toISOString()).toBe('2026-03-04T10:00:00.000Z');
    expect(expiryOf(new Date('2026-03-01T10:00:00.000Z'), 1).toISOString()).toBe('2026-03-01T11:00:00.000Z');
  });

  it('names the summary file by grouping and period', () => {
    expect(summaryFilename({ group_by: 'month', from: '2026-01-01', to: '2026-03-31' }, '2026-04-02')).toBe(
      'summary-by-month-2026-01-01-to-2026-03-31.json',
    );
    expect(summaryFilename({}, '2026-04-02')).toBe('summary-by-category-start-to-2026-04-02.json');
  });
});
