import { Body, Controller, Delete, HttpCode, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { DeletedResponseDto } from '../common/http/deleted-response.dto';
import { ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { OidcSettingsDto, OidcSettingsResponseDto } from './dto/oidc-settings.dto';
import { IdentityErrors } from './identity.errors';
import { OpenIdConnectService } from './openid-connect.service';

/**
 * The organization's OpenID provider, whose tokens Spendin then accepts as bearer tokens. GET
 * /organization/identity-provider (src/webhooks/inbound) answers these settings as
 * `openid_connect`, beside the inbound webhook's secret.
 */
@ApiTags('Organization')
@Controller('organization/identity-provider')
export class OpenIdConnectController {
  constructor(private readonly oidc: OpenIdConnectService) {}

  @Put()
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: "Set the organization's OpenID provider",
    description:
      "Replaces every setting at once (omitted optional ones take their defaults). From then on, access tokens (JWTs) whose `iss` is `issuer` are verified against the provider's published keys and name users of this organization. See docs/integrations-oidc.md.",
  })
  @ApiValidation()
  @ApiProblems([
    IdentityErrors.OIDC_ISSUER_TAKEN,
    'Another organization already uses the issuer https://acme.eu.auth0.com/',
  ])
  @ApiOkResponse({ type: OidcSettingsResponseDto })
  configure(@CurrentActor() actor: Actor, @Body() dto: OidcSettingsDto): Promise<OidcSettingsResponseDto> {
    return this.oidc.configure(actor, dto);
  }

  @Delete()
  @HttpCode(200)
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: "Remove the organization's OpenID provider",
    description:
      "Tokens of its issuer are refused (401 INVALID_TOKEN) from now on. The inbound webhook's secret (…/identity-provider/secret) is not touched.",
  })
  @ApiProblems([IdentityErrors.OIDC_SETTINGS_NOT_FOUND, 'This organization has no OpenID provider configured'])
  @ApiOkResponse({ type: DeletedResponseDto })
  async remove(@CurrentActor() actor: Actor): Promise<DeletedResponseDto> {
    await this.oidc.remove(actor);
    return { message: 'Deleted successfully' };
  }
}
