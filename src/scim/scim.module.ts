import { Module, OnModuleInit } from '@nestjs/common';
import { ErrorFormats } from '../common/errors/error-formats';
import { API_PREFIX } from '../common/http/api-prefix';
import { UsersModule } from '../users/users.module';
import { GroupMapping } from './group-mapping';
import { GroupMappingsController } from './group-mappings.controller';
import { GroupMappingsService } from './group-mappings.service';
import { ScimDiscoveryController } from './scim-discovery.controller';
import { ScimGroupsController } from './scim-groups.controller';
import { ScimGroupsRepository } from './scim-groups.repository';
import { ScimGroupsService } from './scim-groups.service';
import { ScimUsersController } from './scim-users.controller';
import { ScimUsersRepository } from './scim-users.repository';
import { ScimUsersService } from './scim-users.service';
import { writeScimError } from './scim.errors';

/**
 * SCIM 2.0 provisioning (RFC 7643/7644) at /api/v1/scim/v2, for an identity provider holding an
 * organization API key with the `scim` scope; and the admin's group mappings. Above users (it
 * changes users and teams through their services), below nothing: no module imports it.
 */
@Module({
  imports: [UsersModule],
  controllers: [ScimDiscoveryController, ScimUsersController, ScimGroupsController, GroupMappingsController],
  providers: [
    ScimUsersService,
    ScimGroupsService,
    ScimUsersRepository,
    ScimGroupsRepository,
    GroupMapping,
    GroupMappingsService,
  ],
})
export class ScimModule implements OnModuleInit {
  constructor(private readonly errorFormats: ErrorFormats) {}

  /** Every error under /scim/v2 is an RFC 7644 error, wherever it arose (ErrorFormats). */
  onModuleInit(): void {
    this.errorFormats.register(`/${API_PREFIX}/scim/v2`, writeScimError);
  }
}
