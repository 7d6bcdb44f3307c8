import { defineErrors, DomainError, problemTypeUri } from './domain-error';

describe('defineErrors', () => {
  const Errors = defineErrors({ THING_NOT_FOUND: { status: 404, title: 'Thing not found' } });

  it('makes a typed factory per code that carries its status and title for the docs', () => {
    const { code, status, title } = Errors.THING_NOT_FOUND;
    expect({ code, status, title }).toEqual({ code: 'THING_NOT_FOUND', status: 404, title: 'Thing not found' });
    const error = Errors.THING_NOT_FOUND('Thing 42 does not exist', { errors: [{ field: 'id', message: 'unknown' }] });
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'THING_NOT_FOUND', status: 404, detail: 'Thing 42 does not exist' });
    expect(error.extras.errors).toEqual([{ field: 'id', message: 'unknown' }]);
  });

  it('derives the problem type URI from the code', () => {
    expect(problemTypeUri('SPEND_NOT_FOUND')).toBe('https://spendin.dev/errors/spend-not-found');
  });
});
