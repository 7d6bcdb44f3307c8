import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { SUBJECT_TYPES, type SubjectType } from '../approval-subject';

export class ApproverDto {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
    description: 'Set when a person is assigned',
  })
  user_id: string | null;
  @ApiProperty({
    enum: ['finance', 'admin'],
    nullable: true,
    type: String,
    example: 'finance',
    description: 'Set when a role is assigned: anyone with it (or above) may decide',
  })
  role: 'finance' | 'admin' | null;
}

export class ApprovalResponseDto {
  @ApiProperty({ format: 'uuid', example: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b' }) id: string;
  @ApiProperty({ enum: SUBJECT_TYPES, example: 'spend', description: 'What the chain decides' })
  subject_type: SubjectType;
  @ApiProperty({
    format: 'uuid',
    example: '3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c',
    description: 'The spend, expense report or advance decided',
  })
  subject_id: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c',
    description: 'The spend, when the subject is a spend (equal to subject_id); null otherwise',
  })
  spend_id: string | null;
  @ApiProperty({ example: 1, description: 'Submission round of the subject (a resubmission starts a new one)' })
  round: number;
  @ApiProperty({ example: 1, description: 'Position in the chain; steps are decided in order' }) step: number;
  @ApiProperty({ enum: ['waiting', 'pending', 'approved', 'rejected', 'cancelled'], example: 'pending' })
  status: string;
  // A role-assigned step: an example with `role: null` would fail the enum (OpenAPI 3.0 lists no null in it).
  @ApiProperty({ type: ApproverDto, example: { user_id: null, role: 'finance' } })
  approver: ApproverDto;
  @ApiProperty({ example: 'manager', description: "The policy rule's approver as written" }) requirement: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'How the requirement was resolved, e.g. a fallback to finance',
  })
  note: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e' })
  policy_id: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'big-spend' }) rule_id: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: null }) decided_by: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    example: null,
    description: 'Set when a delegate decided (`decided_by`): the approver named on the step, for whom they decided',
  })
  on_behalf_of: string | null;
  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: null,
    description:
      'In GET /approvals only: set when the step is named to someone who delegates their approvals to the caller today',
  })
  delegated_from?: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) decided_at: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) comment: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: '2026-03-02T09:15:00.000Z',
    description:
      'When the step became the one to decide (null while it waits for an earlier step); an escalation or reassignment keeps it',
  })
  pending_since: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: null,
    description: "When its approver was reminded by the organization's approval SLA (docs/approvals-sla.md)",
  })
  reminded_at: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: null,
    description: 'When the approval SLA escalated it (to the approver’s manager, finance or admin)',
  })
  escalated_at: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:15:00.000Z' }) created_at: string;
}

export class DecisionDto {
  @ApiProperty({ example: true, description: 'true approves, false rejects' })
  @IsBoolean()
  approved: boolean;

  @ApiPropertyOptional({
    example: 'Please split hotel and meals',
    maxLength: 2000,
    description: 'Required when rejecting',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class DecisionResponseDto {
  @ApiProperty({ example: 'ok' }) status: 'ok';
  @ApiProperty({ enum: SUBJECT_TYPES, example: 'spend' }) subject_type: SubjectType;
  @ApiProperty({ format: 'uuid', example: '3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c' }) subject_id: string;
  @ApiProperty({
    example: 'approved',
    description:
      "The subject's status after the decision: a spend's (pending_approval, approved, rejected), an expense report's or an advance's",
  })
  subject_status: string;
  @ApiPropertyOptional({
    enum: ['pending_approval', 'approved', 'rejected'],
    example: 'approved',
    description: "The spend's status after the decision (the same as subject_status); only when the subject is a spend",
  })
  spend_status?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b',
    description:
      'Only when the caller decided as delegate: the approver named on the step, for whom they decided (the step says so too)',
  })
  on_behalf_of?: string;
}

export class ListApprovalsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'rejected'], default: 'pending' })
  @IsOptional()
  @IsIn(['pending', 'approved', 'rejected'], { message: 'must be one of pending, approved, rejected' })
  status: 'pending' | 'approved' | 'rejected' = 'pending';

  @ApiPropertyOptional({ enum: SUBJECT_TYPES, description: 'Only steps deciding this kind of subject' })
  @IsOptional()
  @IsIn(SUBJECT_TYPES, { message: `must be one of ${SUBJECT_TYPES.join(', ')}` })
  subject_type?: SubjectType;

  @ApiPropertyOptional({
    type: Boolean,
    example: true,
    default: false,
    description:
      "Only pending steps past the organization's approval SLA (pending longer than its first deadline: the reminder, else the escalation, else the auto-reject); none when the SLA is off",
  })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  overdue: boolean = false;
}
