import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../common/auth/decorators';
import { CommonErrors } from '../../common/errors/common.errors';
import { UuidParam } from '../../common/http/uuid-param';
import { ApiProblems, ApiValidation } from '../../common/swagger/api-problems.decorator';
import { UserErrors } from '../../users/users.errors';
import { IdentityEventDto, IdentityEventsAcceptedDto } from '../dto/identity-event.dto';
import { WebhookErrors } from '../webhooks.errors';
import { IdentityEventsPipe, MAX_IDENTITY_EVENTS } from './identity-events.pipe';
import { IdentityEventsService } from './identity-events.service';
import { IdentitySignatureGuard } from './identity-signature.guard';

@ApiTags('Webhooks')
@Controller('events')
export class IdentityEventsController {
  constructor(private readonly identityEvents: IdentityEventsService) {}

  @Post('webhook/:organization_id')
  @HttpCode(200)
  @Public()
  @UseGuards(IdentitySignatureGuard)
  @ApiOperation({
    summary: "Receive an organization's identity-provider events (users and roles)",
    description:
      "For the organization's identity provider, not for people: no bearer token, but a Standard Webhooks signature made with the organization's " +
      'identity-provider secret (POST /organization/identity-provider/secret): `webhook-signature: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>">`, ' +
      "with `webhook-id` (the message's id) and `webhook-timestamp` (unix seconds, within 5 minutes of now). Anything else is 401 WEBHOOK_UNAUTHORIZED, " +
      'whether the organization exists or not.\n\n' +
      `A JSON array of 1 to ${MAX_IDENTITY_EVENTS} events, each with its own \`id\`, applied in order and together (one failing event applies none):\n\n` +
      '- `user.created`: creates the user in the organization (role `employee` unless given), without a password; a user of the organization that exists is updated and reactivated instead.\n' +
      '- `user.updated`: changes `full_name`, `role`, `is_active`, and the e-mail of a user found by a linked `external_id`.\n' +
      '- `user.deleted`: deactivates the user (as DELETE /admin/users/{id} does); an unknown user is ignored.\n' +
      '- `role.assigned`: sets `role`.\n\n' +
      "Only the organization's users are found, by `external_id` once linked, else by `email`. An event that would make someone an active admin is refused " +
      "(403 IDENTITY_ADMIN_GRANT_DISABLED) unless the organization's settings allow it (`identity_provider_grants_admin`). Idempotent: an event `id` seen before is " +
      'answered `duplicate` and not applied again (a replayed request included), and an event that finds the user already as it says changes nothing. ' +
      "Every change is audited with no actor (the system) and this request's id.",
  })
  @ApiSecurity('webhook-signature')
  @ApiHeader({
    name: 'webhook-id',
    required: true,
    description: "The message's id, covered by the signature",
    example: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
  })
  @ApiHeader({
    name: 'webhook-timestamp',
    required: true,
    description: 'When the message was signed, in unix seconds; refused more than 5 minutes away from now',
    example: '1772366400',
  })
  @ApiHeader({
    name: 'webhook-signature',
    required: true,
    description: 'One or more space-separated `v1,<base64>` signatures',
    example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  })
  @ApiBody({ type: IdentityEventDto, isArray: true })
  @ApiOkResponse({ type: IdentityEventsAcceptedDto })
  @ApiValidation()
  @ApiProblems(
    [WebhookErrors.WEBHOOK_UNAUTHORIZED, 'Unauthorized webhook source'],
    [
      CommonErrors.ORGANIZATION_SUSPENDED,
      "The installation's operator has suspended this organization: its identity-provider events are refused until it is resumed",
    ],
    [
      WebhookErrors.IDENTITY_ADMIN_GRANT_DISABLED,
      'Event [0] (role.assigned): This organization does not let its identity provider make anyone an admin; an admin can allow it with PATCH /organization {"settings": {"identity_provider_grants_admin": true}}',
    ],
    [UserErrors.USER_NOT_FOUND, 'Event [0] (role.assigned): No user has e-mail jane.doe@acme.test'],
    [UserErrors.EMAIL_TAKEN, 'Event [0] (user.created): jane.doe@acme.test is already in use'],
    [
      UserErrors.EXTERNAL_ID_TAKEN,
      'Event [1] (user.updated): External id 00u1a2b3c4D5e6F7g8h9 belongs to another user',
    ],
    [
      UserErrors.LAST_ADMIN,
      'Event [0] (role.assigned): The organization needs at least one active admin; promote another user first',
    ],
    [
      WebhookErrors.IDENTITY_EVENT_REJECTED,
      'Event [0] (user.created): data.organization_id 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e is not the organization of this endpoint',
    ],
  )
  receive(
    @UuidParam('organization_id') organizationId: string,
    @Body(IdentityEventsPipe) events: IdentityEventDto[],
    @Req() request: Request,
  ): Promise<IdentityEventsAcceptedDto> {
    return this.identityEvents.apply(organizationId, events, { requestId: String(request.id), ip: request.ip });
  }
}
