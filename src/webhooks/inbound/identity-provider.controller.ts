import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../../common/auth/decorators';
import type { Actor } from '../../common/auth/roles';
import { DeletedResponseDto } from '../../common/http/deleted-response.dto';
import { IdentityProviderResponseDto, IdentityProviderSecretDto } from '../dto/identity-provider.dto';
import { IdentityProviderService } from './identity-provider.service';

@ApiTags('Webhooks')
@Controller('organization/identity-provider')
export class IdentityProviderController {
  constructor(private readonly providers: IdentityProviderService) {}

  @Get()
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary:
      "The organization's identity provider: its events endpoint, whether it has a signing secret, and its OpenID settings",
    description:
      'Never the secret itself: only its last four characters. `openid_connect` is what PUT /organization/identity-provider set (null when nothing is).',
  })
  @ApiOkResponse({ type: IdentityProviderResponseDto })
  get(@CurrentActor() actor: Actor): Promise<IdentityProviderResponseDto> {
    return this.providers.get(actor);
  }

  @Post('secret')
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: "Create or rotate the identity provider's signing secret",
    description:
      'A new Standard Webhooks secret, shown in this answer only and stored sealed: give it to the identity provider with the `endpoint`. ' +
      'It replaces the previous secret at once (events signed with that one are refused from now on). Not replayable by Idempotency-Key: ' +
      'a retry makes another secret, and the last one answered is the one in force.',
  })
  @ApiCreatedResponse({ type: IdentityProviderSecretDto })
  rotate(@CurrentActor() actor: Actor): Promise<IdentityProviderSecretDto> {
    return this.providers.rotate(actor);
  }

  @Delete('secret')
  @HttpCode(200)
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: "Remove the identity provider's signing secret",
    description: 'Every event is refused (401) until a new secret is made. Idempotent.',
  })
  @ApiOkResponse({ type: DeletedResponseDto })
  async remove(@CurrentActor() actor: Actor): Promise<DeletedResponseDto> {
    await this.providers.removeSecret(actor);
    return { message: 'Deleted successfully' };
  }
}
