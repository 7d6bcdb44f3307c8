import { Param, PipeTransform } from '@nestjs/common';
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

/** A UUID path parameter; anything else is a 422 naming the parameter (never a 500 from SQL). */
export const UuidParam = (name: string) => Param(name, new ParseUuid(name));
