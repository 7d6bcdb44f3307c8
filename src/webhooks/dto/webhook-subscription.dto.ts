import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { CursorPageQueryDto } from '../../common/pagination/page-query.dto';
import { DELIVERY_STATUSES, DeliveryStatus, WEBHOOK_EVENT_TYPES, WebhookEventType } from '../webhook.entities';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const SECRET_FORMAT = /^[\x21-\x7e]+$/;
const URL_DOC =
  'http:// or https://, without user name or password. It must point at a public internet address (a host name is resolved when saved and again ' +
  'at every delivery); loopback, private, link-local and reserved addresses are refused unless WEBHOOK_ALLOW_PRIVATE_URLS=true.';
const EVENTS_DOC =
  'The events to receive, at least one. Every event carries the spend it is about and its per-spend `sequence`.';
const SECRET_DOC =
  'Signing secret, 24 to 255 printable characters without spaces. Leave it out and one is generated. It is shown in this answer only.';

export class CreateWebhookSubscriptionDto {
  @ApiProperty({ example: 'https://erp.example.com/hooks/spendin', maxLength: 2048, description: URL_DOC })
  @Transform(trim)
  @IsString()
  @Length(1, 2048)
  url: string;

  @ApiProperty({
    enum: WEBHOOK_EVENT_TYPES,
    isArray: true,
    example: ['spend.approved', 'spend.paid'],
    description: EVENTS_DOC,
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, {
    each: true,
    message: `each value in events must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}`,
  })
  events: WebhookEventType[];

  @ApiPropertyOptional({
    example: 'whsec_5mZQ1bX3yPq8L2vN7cR0tK4wJ6hF9sD1aG3eU8iO',
    minLength: 24,
    maxLength: 255,
    description: SECRET_DOC,
  })
  @IsOptional()
  @IsString()
  @Length(24, 255)
  @Matches(SECRET_FORMAT, { message: 'secret must be printable characters without spaces' })
  secret?: string;

  @ApiPropertyOptional({ example: 'ERP: book approved spends', maxLength: 500, nullable: true, type: String })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class UpdateWebhookSubscriptionDto {
  @ApiPropertyOptional({ example: 'https://erp.example.com/hooks/spendin-v2', maxLength: 2048, description: URL_DOC })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 2048)
  url?: string;

  @ApiPropertyOptional({
    enum: WEBHOOK_EVENT_TYPES,
    isArray: true,
    example: ['spend.approved', 'spend.rejected', 'spend.paid'],
    description: EVENTS_DOC,
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, {
    each: true,
    message: `each value in events must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}`,
  })
  events?: WebhookEventType[];

  @ApiPropertyOptional({
    example: 'whsec_rotated_0123456789abcdefghijkl',
    minLength: 24,
    maxLength: 255,
    description: 'A new signing secret (rotation). Deliveries signed from then on use it.',
  })
  @IsOptional()
  @IsString()
  @Length(24, 255)
  @Matches(SECRET_FORMAT, { message: 'secret must be printable characters without spaces' })
  secret?: string;

  @ApiPropertyOptional({
    example: 'ERP: book approved and paid spends',
    maxLength: 500,
    nullable: true,
    type: String,
    description: 'null removes it',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({
    example: false,
    description: 'false pauses it: no new deliveries are made and waiting ones are cancelled; true resumes it',
  })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;
}

export class WebhookSubscriptionResponseDto {
  @ApiProperty({ format: 'uuid', example: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b' }) id: string;
  @ApiProperty({ example: 'https://erp.example.com/hooks/spendin' }) url: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, example: ['spend.approved', 'spend.paid'] })
  events: WebhookEventType[];
  @ApiProperty({ nullable: true, type: String, example: 'ERP: book approved spends' }) description: string | null;
  @ApiProperty({ example: true }) is_active: boolean;
  @ApiProperty({ example: '…9sD1', description: "The secret's last four characters, to tell secrets apart" })
  secret_hint: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T12:00:00.000Z' }) created_at: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T12:00:00.000Z' }) updated_at: string;
}

export class CreatedWebhookSubscriptionDto extends WebhookSubscriptionResponseDto {
  @ApiProperty({
    example: 'whsec_5mZQ1bX3yPq8L2vN7cR0tK4wJ6hF9sD1aG3eU8iO',
    nullable: true,
    type: String,
    description:
      'The signing secret, shown only in this answer: keep it now. null in an Idempotency-Key replay (`Idempotent-Redacted: secret`), which never carries it; rotate with PATCH if it was lost',
  })
  secret: string | null;
}

export class ListWebhookSubscriptionsQuery extends CursorPageQueryDto {}

export class WebhookDeliveryResponseDto {
  @ApiProperty({ format: 'uuid', example: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d' }) id: string;
  @ApiProperty({ format: 'uuid', example: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b' }) subscription_id: string;
  @ApiProperty({
    format: 'uuid',
    example: '9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
    description: "The event's id, sent as `id` and `X-Spendin-Event-Id`; the same for every retry",
  })
  event_id: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, example: 'spend.approved' }) event_type: WebhookEventType;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: '3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c' })
  spend_id: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 3,
    description: "The event's number among the events of its spend (1, 2, 3…, in the order the changes committed)",
  })
  sequence: number | null;
  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'pending' }) status: DeliveryStatus;
  @ApiProperty({ example: 2, description: 'Attempts made so far' }) attempts: number;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: '2026-03-02T09:16:30.000Z',
    description: 'When the next attempt is due (pending only)',
  })
  next_attempt_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-03-02T09:15:30.000Z' })
  last_attempt_at: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 503,
    description: 'HTTP status of the last answer; null when nothing was answered',
  })
  response_status: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Service Unavailable',
    description: "The first kilobyte of the last answer's body",
  })
  response_body: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'receiver answered 503',
    description: 'Why the last attempt failed',
  })
  error: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 184, description: 'How long the last attempt took' })
  duration_ms: number | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) delivered_at: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:15:00.000Z' }) created_at: string;
}

export class ListDeliveriesQuery extends CursorPageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, example: 'failed' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}
