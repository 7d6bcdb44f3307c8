import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/http/uuid-param';
import { ApiPageResponse, Page } from '../common/pagination/page';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import {
  ListNotificationsQuery,
  NotificationResponseDto,
  ReadAllResponseDto,
  ReadResponseDto,
} from './dto/notification.dto';
import { NotificationErrors } from './notifications.errors';
import { NotificationsService } from './notifications.service';

@ApiTags('Notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Authenticated({ accountant: true })
  @ApiOperation({
    summary: "The caller's notifications, newest first",
    description:
      "Only the caller's own. Made when an approval step is assigned to the caller, when the caller's spend is approved, rejected, blocked or paid, and when OCR of a receipt the caller owns or uploaded finished (`receipt.processed`) or failed (`receipt.failed`). With SMTP configured each is also e-mailed, unless the user turned `email_notifications` off.",
  })
  @ApiPageResponse(NotificationResponseDto, 'A page of notifications')
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: ListNotificationsQuery): Promise<Page<NotificationResponseDto>> {
    return this.notifications.list(actor, query);
  }

  @Post('read-all')
  @HttpCode(200)
  @Authenticated({ accountant: true })
  @ApiOperation({
    summary: "Mark all of the caller's notifications read",
    description: '`updated` counts those that were unread.',
  })
  @ApiOkResponse({ type: ReadAllResponseDto })
  readAll(@CurrentActor() actor: Actor): Promise<ReadAllResponseDto> {
    return this.notifications.readAll(actor);
  }

  @Post(':id/read')
  @HttpCode(200)
  @Authenticated({ accountant: true })
  @ApiOperation({
    summary: 'Mark one notification read',
    description: "Reading it again is fine and keeps the first `read_at`. Someone else's notification is 404.",
  })
  @ApiOkResponse({ type: ReadResponseDto })
  @ApiInvalidId()
  @ApiProblems([
    NotificationErrors.NOTIFICATION_NOT_FOUND,
    'Notification 0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f does not exist',
  ])
  read(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ReadResponseDto> {
    return this.notifications.read(actor, id);
  }
}
