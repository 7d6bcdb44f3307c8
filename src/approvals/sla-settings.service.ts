import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { ApprovalErrors } from './approvals.errors';
import { ApprovalSlaDto, ApprovalSlaResponseDto } from './dto/sla.dto';
import { SlaSettings, slaSettingsProblems } from './sla-rules';
import { OverdueSummary, SlaRepository, StoredSettings } from './sla.repository';

/** An organization's approval SLA (docs/approvals-sla.md): read and replaced by its admins, audited. */
@Injectable()
export class SlaSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sla: SlaRepository,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Actor): Promise<ApprovalSlaResponseDto> {
    return toResponse(await this.sla.settings(actor.organizationId));
  }

  async replace(actor: Actor, dto: ApprovalSlaDto): Promise<ApprovalSlaResponseDto> {
    const next: SlaSettings = {
      remindAfterHours: dto.remind_after_hours ?? null,
      escalateAfterHours: dto.escalate_after_hours ?? null,
      autoRejectAfterDays: dto.auto_reject_after_days ?? null,
      autoRejectMessage: dto.auto_reject_message ?? null,
    };
    const problems = slaSettingsProblems(next);
    if (problems.length > 0)
      throw ApprovalErrors.APPROVAL_SLA_INVALID(`${problems[0].field} ${problems[0].message}`, { errors: problems });
    return this.dataSource.transaction(async (tx) => {
      const before = await this.sla.settings(actor.organizationId, tx);
      const saved = await this.sla.saveSettings(tx, actor.organizationId, next, actor.userId);
      await this.audit.record(tx, actor, {
        action: 'approval_sla.updated',
        entityType: 'organization',
        entityId: actor.organizationId,
        metadata: { before: toResponse(before, false), after: toResponse(saved, false) },
      });
      return toResponse(saved);
    });
  }

  /** Pending steps past the SLA: the organization's, or (`approverUserId`) those named to one person. */
  overdue(organizationId: string, approverUserId: string | null): Promise<OverdueSummary> {
    return this.sla.overdue(organizationId, approverUserId);
  }
}

function toResponse(s: StoredSettings, withTime = true): ApprovalSlaResponseDto {
  const response: ApprovalSlaResponseDto = {
    remind_after_hours: s.remindAfterHours,
    escalate_after_hours: s.escalateAfterHours,
    auto_reject_after_days: s.autoRejectAfterDays,
    auto_reject_message: s.autoRejectMessage,
    enabled: s.remindAfterHours !== null || s.escalateAfterHours !== null || s.autoRejectAfterDays !== null,
    updated_at: s.updatedAt?.toISOString() ?? null,
    deadlines_changed_at: s.deadlinesChangedAt?.toISOString() ?? null,
  };
  if (!withTime) {
    delete (response as Partial<ApprovalSlaResponseDto>).updated_at;
    delete (response as Partial<ApprovalSlaResponseDto>).deadlines_changed_at;
  }
  return response;
}
