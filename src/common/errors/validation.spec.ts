import { ValidationError } from '@nestjs/common';
import { flattenValidationErrors } from './validation';

const error = (
  property: string,
  constraints: Record<string, string> | undefined,
  value: unknown,
  children: ValidationError[] = [],
): ValidationError => ({ property, constraints, value, children }) as ValidationError;

describe('flattenValidationErrors', () => {
  it('names nested and array fields with dots and brackets, without repeating the property name', () => {
    const errors = [
      error('settings', undefined, {}, [
        error('timezone', { isTimeZone: 'timezone must be an IANA time zone' }, 'Mars/Base'),
      ]),
      error('member_ids', undefined, ['x'], [error('0', { isUuid: '0 must be a UUID' }, 'x')]),
    ];
    expect(flattenValidationErrors(errors)).toEqual([
      { field: 'settings.timezone', message: 'must be an IANA time zone' },
      { field: 'member_ids[0]', message: 'must be a UUID' },
    ]);
  });

  it('says "is required" once for a missing field instead of every rule it fails', () => {
    const missing = error(
      'full_name',
      { isString: 'full_name must be a string', isLength: 'full_name must be longer than or equal to 1 characters' },
      undefined,
    );
    expect(flattenValidationErrors([missing])).toEqual([{ field: 'full_name', message: 'is required' }]);
  });

  it('calls an unknown field what it is', () => {
    const unknown = error('remember_me', { whitelistValidation: 'property remember_me should not exist' }, true);
    expect(flattenValidationErrors([unknown])).toEqual([
      { field: 'remember_me', message: 'is not a recognised field' },
    ]);
  });
});
