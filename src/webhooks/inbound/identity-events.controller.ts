import { Body, CanActivate, Controller, ExecutionContext, HttpCode, Injectable, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../common/auth/decorators';
import { ApiProblems, ApiValidation } from '../../common/swagger/api-problems.decorator';
import { UserErrors } from '../../users/users.errors';
import { IdentityEventDto, IdentityEventsAcceptedDto } from '../dto/identity-event.dto';
import { WebhookErrors } from '../webhooks.errors';
import { IdentityEventsPipe, MAX_IDENTITY_EVENTS } from './identity-events.pipe';
import { IdentityEventsService } from './identity-events.service';

/** Checks `x-webhook-secret` before the body is even looked at. */
@Injectable()
export class IdentityProviderGuard implements CanActivate {
  constructor(private readonly identityEvents: IdentityEventsService) {}

  canActivate(context: ExecutionContext): boolean {
    this.identityEvents.assertAuthentic(context.switchToHttp().getRequest<Request>().headers['x-webhook-secret']);
    return true;
  }
}

@ApiTags('Webhooks')
@Controller('events')
export class IdentityEventsController {
  constructor(private readonly identityEvents: IdentityEventsService) {}

  @Post('webhook')
  @HttpCode(200)
  @Public()
  @UseGuards(IdentityProviderGuard)
  @ApiOperation({
    summary: 'Receive identity-provider events (users and roles)',
    description: `For the organization's identity provider, not for people: no bearer token, but the installation's WEBHOOK_SECRET in \`x-webhook-secret\`. `
      + `A JSON array of 1 to ${MAX_IDENTITY_EVENTS} events, applied in order and together (one failing event applies none):\n\n`
      + '- `user.created`: creates the user in `organization_id` (role `employee` unless given), without a password; a user that exists in that organization is updated and reactivated instead.\n'
      + '- `user.updated`: changes `full_name`, `role`, `is_active`, and the e-mail of a user found by a linked `external_id`.\n'
      + '- `user.deleted`: deactivates the user (as DELETE /admin/users/{id} does); an unknown user is ignored.\n'
      + '- `role.assigned`: sets `role`.\n\n'
      + 'Users are found by `external_id` once linked, else by `email`. Idempotent: an event `id` seen before is skipped, and an event that finds the user '
      + 'already as it says changes nothing. Every change is audited with no actor (the system) and this request\'s id.',
  })
  @ApiSecurity('webhook-secret')
  @ApiBody({ type: IdentityEventDto, isArray: true })
  @ApiOkResponse({ type: IdentityEventsAcceptedDto })
  @ApiValidation()
  @ApiProblems(
    [WebhookErrors.WEBHOOK_UNAUTHORIZED, 'Unauthorized webhook source'],
    [UserErrors.USER_NOT_FOUND, 'Event [0] (role.assigned): No user has e-mail jane.doe@acme.test'],
    [UserErrors.EMAIL_TAKEN, 'Event [0] (user.created): jane.doe@acme.test belongs to another organization'],
    [UserErrors.EXTERNAL_ID_TAKEN, 'Event [1] (user.updated): External id 00u1a2b3c4D5e6F7g8h9 belongs to another user'],
    [UserErrors.LAST_ADMIN, 'Event [0] (role.assigned): The organization needs at least one active admin; promote another user first'],
    [WebhookErrors.IDENTITY_EVENT_REJECTED, 'Event [0] (user.created): Organization 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e does not exist'],
  )
  receive(@Body(IdentityEventsPipe) events: IdentityEventDto[], @Req() request: Request): Promise<IdentityEventsAcceptedDto> {
    return this.identityEvents.apply(events, { requestId: String(request.id), ip: request.ip });
  }
}
