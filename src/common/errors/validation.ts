import { ValidationError, ValidationPipe } from '@nestjs/common';
import { CommonErrors } from './common.errors';
import { FieldError } from './domain-error';

/** Flattens class-validator's tree into `{field: "a.b[0].c", message}` pairs. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field =
      parent === ''
        ? error.property
        : /^\d+$/.test(error.property)
          ? `${parent}[${error.property}]`
          : `${parent}.${error.property}`;
    const messages = Object.values(error.constraints ?? {});
    // A missing field fails every rule at once; "is required" says it better than each rule.
    const own =
      messages.length > 0 && error.value === undefined && !isUnknownField(messages[0], error.property)
        ? [{ field, message: 'is required' }]
        : messages.map((message) => ({ field, message: humanize(message, error.property) }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

function isUnknownField(message: string, property: string): boolean {
  return message.startsWith(`property ${property} should not exist`);
}

/** class-validator prefixes messages with the property name; the field is already named. */
function humanize(message: string, property: string): string {
  if (isUnknownField(message, property)) return 'is not a recognised field';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/** A client fixes the first few; a list of thousands only costs both sides. */
export const MAX_REPORTED_ERRORS = 20;

/**
 * Validates and transforms every body, query and path DTO. Unknown fields are refused
 * (a typo never silently drops data); failures answer 422 with one entry per field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    // Values are kept for the 'is required' check above; they never reach the client.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => {
      const fieldErrors = flattenValidationErrors(errors);
      const shown = fieldErrors.slice(0, MAX_REPORTED_ERRORS);
      return CommonErrors.VALIDATION_FAILED(
        `${fieldErrors.length} field${fieldErrors.length === 1 ? '' : 's'} failed validation${shown.length < fieldErrors.length ? `; the first ${shown.length} are listed` : ''}`,
        { errors: shown },
      );
    },
  });
}
