import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { OidcProvidersRepository } from './oidc-providers.repository';
import { OidcSignInService } from './oidc-sign-in.service';
import { OpenIdConnectController } from './openid-connect.controller';
import { OpenIdConnectService } from './openid-connect.service';
import { UserIdentitiesRepository } from './user-identities.repository';

/**
 * Identities at other providers: an organization's OpenID provider settings, and the links
 * between its users and the provider's subjects. Below auth (whose bearer guard verifies the
 * tokens, src/auth/credentials/oidc-tokens.ts), above users.
 */
@Module({
  imports: [UsersModule],
  controllers: [OpenIdConnectController],
  providers: [OpenIdConnectService, OidcSignInService, OidcProvidersRepository, UserIdentitiesRepository],
  exports: [OpenIdConnectService, OidcSignInService],
})
export class IdentityModule {}
