import { Global, Module } from '@nestjs/common';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';

@Global()
@Module({ providers: [OutboxService, OutboxRepository], exports: [OutboxService] })
export class OutboxModule {}
