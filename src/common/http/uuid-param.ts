import { Param, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { isUUID } from 'class-validator';
import { CommonErrors } from '../errors/common.errors';

class ParseUuid implements PipeTransform<string, string> {
  constructor(private readonly name: string) {}

  transform(value: string): string {
    if (!isUUID(value, 'all')) {
      throw CommonErrors.VALIDATION_FAILED(`Path parameter ${this.name} must be a UUID`, {
        errors: [{ field: this.name, message: 'must be a UUID' }],
      });
    }
    return value.toLowerCase();
  }
}

/**
 * A UUID path parameter; anything else is a 422 naming the parameter (never a 500 from SQL).
 * The OpenAPI document says so too (`format: uuid`), so a generated client types it.
 */
export const UuidParam =
  (name: string): ParameterDecorator =>
  (target, key, index) => {
    Param(name, new ParseUuid(name))(target, key, index);
    const descriptor = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
    if (key !== undefined && descriptor) {
      ApiParam({ name, type: 'string', format: 'uuid', description: `${name} (a UUID)` })(target, key, descriptor);
    }
  };
