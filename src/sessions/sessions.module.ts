import { Module } from '@nestjs/common';
import { Sessions } from './sessions';
import { SessionsRepository } from './sessions.repository';

/**
 * Users' sessions: refresh-token families and their revocation. Below both `users` (which ends
 * sessions when a user changes) and `auth` (which opens, rotates and checks them).
 */
@Module({
  providers: [Sessions, SessionsRepository],
  exports: [Sessions],
})
export class SessionsModule {}
