import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { SLA_MAX } from '../sla-rules';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** PUT replaces the settings: a field left out or null is off. */
export class ApprovalSlaDto {
  @ApiProperty({
    required: false,
    nullable: true,
    type: Number,
    minimum: 1,
    maximum: SLA_MAX.remindAfterHours,
    example: 24,
    description: 'Remind the approver once a step has been pending this many hours; null: no reminder',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(SLA_MAX.remindAfterHours)
  remind_after_hours?: number | null;

  @ApiProperty({
    required: false,
    nullable: true,
    type: Number,
    minimum: 1,
    maximum: SLA_MAX.escalateAfterHours,
    example: 72,
    description:
      "Move the step to the approver's manager (or finance, or admin) after this many hours pending; more than remind_after_hours; null: no escalation",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(SLA_MAX.escalateAfterHours)
  escalate_after_hours?: number | null;

  @ApiProperty({
    required: false,
    nullable: true,
    type: Number,
    minimum: 1,
    maximum: SLA_MAX.autoRejectAfterDays,
    example: 14,
    description:
      'Reject the step (and so its spend, expense report or advance) after this many days pending; later than the escalation and the reminder; null: never',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(SLA_MAX.autoRejectAfterDays)
  auto_reject_after_days?: number | null;

  @ApiProperty({
    required: false,
    nullable: true,
    type: String,
    minLength: 1,
    maxLength: 1000,
    example: 'Not decided within 14 days: submit it again if it is still needed',
    description: "The rejection's comment, which its owner reads; required with auto_reject_after_days",
  })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  auto_reject_message?: string | null;
}

export class ApprovalSlaResponseDto {
  @ApiProperty({ nullable: true, type: Number, example: 24 }) remind_after_hours: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 72 }) escalate_after_hours: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 14 }) auto_reject_after_days: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Not decided within 14 days: submit it again if it is still needed',
  })
  auto_reject_message: string | null;
  @ApiProperty({
    example: true,
    description: 'Whether any of the three is on (all off is the default of every organization)',
  })
  enabled: boolean;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: '2026-03-02T09:15:00.000Z',
    description: 'Last change; null when never set',
  })
  updated_at: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: '2026-03-02T09:15:00.000Z',
    description:
      'Last change of a deadline (remind, escalate or auto-reject; not of the message alone): deadlines count from the later of a step becoming pending and this moment; null when never set',
  })
  deadlines_changed_at: string | null;
}
