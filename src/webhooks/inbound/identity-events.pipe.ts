import { Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CommonErrors } from '../../common/errors/common.errors';
import { FieldError } from '../../common/errors/domain-error';
import { flattenValidationErrors } from '../../common/errors/validation';
import { IdentityEventDto } from '../dto/identity-event.dto';

/** Events in one request, at most. */
export const MAX_IDENTITY_EVENTS = 100;

/**
 * The inbound body is a JSON array, which the global validation pipe does not look into:
 * each event is validated here with the same rules (unknown fields refused), plus what each
 * type needs, and every problem is named by its place (`[2].data.role`).
 */
@Injectable()
export class IdentityEventsPipe implements PipeTransform<unknown, IdentityEventDto[]> {
  transform(body: unknown): IdentityEventDto[] {
    if (!Array.isArray(body)) throw invalid([{ field: 'body', message: 'must be an array of events' }]);
    if (body.length === 0 || body.length > MAX_IDENTITY_EVENTS)
      throw invalid([{ field: 'body', message: `must hold 1 to ${MAX_IDENTITY_EVENTS} events` }]);
    const errors: FieldError[] = [];
    const events = body.map((item, index) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        errors.push({ field: `[${index}]`, message: 'must be an object' });
        return undefined as unknown as IdentityEventDto;
      }
      const event = plainToInstance(IdentityEventDto, item);
      const found = flattenValidationErrors(
        validateSync(event, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }),
        `[${index}]`,
      );
      errors.push(...(found.length > 0 ? found : required(event, index)));
      return event;
    });
    if (errors.length > 0) throw invalid(errors);
    return events;
  }
}

/** What each type of event cannot do without. */
function required(event: IdentityEventDto, index: number): FieldError[] {
  const at = (field: string) => `[${index}].data.${field}`;
  const { data } = event;
  const errors: FieldError[] = [];
  if (event.type === 'user.created') {
    for (const field of ['email', 'full_name'] as const)
      if (data[field] === undefined) errors.push({ field: at(field), message: 'is required for user.created' });
  } else if (data.external_id === undefined && data.email === undefined) {
    errors.push({ field: at('external_id'), message: `external_id or email is required for ${event.type}` });
  }
  if (event.type === 'role.assigned' && data.role === undefined)
    errors.push({ field: at('role'), message: 'is required for role.assigned' });
  if (event.type !== 'user.updated' && data.is_active !== undefined)
    errors.push({ field: at('is_active'), message: 'is taken by user.updated only' });
  return errors;
}

function invalid(errors: FieldError[]) {
  return CommonErrors.VALIDATION_FAILED(`${errors.length} field${errors.length === 1 ? '' : 's'} failed validation`, {
    errors,
  });
}
