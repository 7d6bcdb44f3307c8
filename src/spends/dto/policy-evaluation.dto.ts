import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { POLICY_ACTION } from '../../policies/dto/policy-rule.schema';

const DECISIONS = ['approved', 'pending_approval', 'blocked'];

/** A rule whose condition held, and why (the engine's MatchedRule). */
export class MatchedRuleDto {
  @ApiProperty({ format: 'uuid', example: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e' }) policy_id: string;
  @ApiProperty({ type: 'integer', example: 3 }) policy_version: number;
  @ApiProperty({ example: 'big-spend' }) rule_id: string;
  @ApiProperty({ type: 'integer', example: 1 }) priority: number;
  @ApiProperty({ allOf: [POLICY_ACTION], example: { type: 'require_approval', approver: 'manager' } }) action: object;
  @ApiProperty({ example: 'amount 650.2 > 500', description: "Why the condition held, with the spend's own values" })
  reason: string;
  @ApiPropertyOptional({
    example: 'cheap-travel',
    description: 'Set when the rule matched but its action gave way to a higher auto_approve (that rule id)',
  })
  overridden_by?: string;
}

/** A policy version that took part in an evaluation, matched or not. */
export class EvaluatedPolicyDto {
  @ApiProperty({ format: 'uuid', example: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e' }) policy_id: string;
  @ApiProperty({ type: 'integer', example: 3 }) version: number;
}

/** One step of the approval chain an evaluation asked for, resolved to a person or a role. */
export class EvaluatedApproverDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) step: number;
  @ApiProperty({ example: 'manager', description: 'The approver the rule named (manager, finance, user:<uuid>, …)' })
  requirement: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e' })
  user_id: string | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Set when a role decides the step' })
  role: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'How the approver was resolved, when not plainly',
  })
  note: string | null;
}

/** What the policies decide for a spend; shared by the stored evaluation and a simulation. */
class EvaluationDto {
  @ApiProperty({ enum: DECISIONS, example: 'pending_approval' }) decision: string;
  @ApiProperty({ type: [MatchedRuleDto] }) matched_rules: MatchedRuleDto[];
  @ApiProperty({ type: [String], example: [] }) flags: string[];
  @ApiProperty({ example: false, description: 'A require_receipt rule matched and the spend has no receipt yet' })
  awaiting_receipt: boolean;
  @ApiProperty({ nullable: true, type: String, example: null }) block_message: string | null;
  @ApiProperty({ type: [EvaluatedPolicyDto] }) policies: EvaluatedPolicyDto[];
  @ApiProperty({ type: [EvaluatedApproverDto] }) approvers: EvaluatedApproverDto[];
}

/** `policy_evaluation` of a spend: what the policies said at its last submission, stored with it. */
export class PolicyEvaluationDto extends EvaluationDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:15:00.000Z' }) evaluated_at: string;
}

/** The answer of POST /policies/simulate: the evaluation a spend would get, nothing stored. */
export class SimulationResponseDto extends EvaluationDto {
  @ApiProperty({ example: '650.19' }) base_amount: string;
  @ApiProperty({ example: 'USD' }) base_currency: string;
}
