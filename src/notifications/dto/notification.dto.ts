import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { CursorPageQueryDto } from '../../common/pagination/page-query.dto';
import { NOTIFICATION_TYPES, NotificationType } from '../notification.entity';

export class NotificationResponseDto {
  @ApiProperty({ format: 'uuid', example: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' }) id: string;
  @ApiProperty({
    enum: NOTIFICATION_TYPES,
    example: 'spend.rejected',
    description: 'What happened; `receipt.failed` is OCR that could not read a receipt',
  })
  type: NotificationType;
  @ApiProperty({ example: 'Spend rejected: Hotel Lux, USD 650.00' }) title: string;
  @ApiProperty({
    example:
      'Your spend Hotel Lux (USD 650.00, 2 Mar 2026) was rejected by Mary Major: “Please split hotel and meals”. Edit it and submit it again, or cancel it.',
  })
  body: string;
  @ApiProperty({
    enum: ['spend', 'approval', 'approval_delegation', 'receipt', 'advance', 'expense_report', 'stored_report'],
    example: 'spend',
    description: 'What the notification is about',
  })
  entity_type: string;
  @ApiProperty({ format: 'uuid', example: '3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c' }) entity_id: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: null,
    description: 'When the user marked it read; null while unread',
  })
  read_at: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:15:00.000Z' }) created_at: string;
}

export class ListNotificationsQuery extends CursorPageQueryDto {
  @ApiPropertyOptional({ type: Boolean, example: true, default: false, description: 'Only notifications not yet read' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  unread_only: boolean = false;
}

export class ReadResponseDto {
  @ApiProperty({ example: 'ok' }) status: 'ok';
}

export class ReadAllResponseDto {
  @ApiProperty({ example: 'ok' }) status: 'ok';
  @ApiProperty({ example: 3, description: 'How many notifications were unread and are now read' }) updated: number;
}
