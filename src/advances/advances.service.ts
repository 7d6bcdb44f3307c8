import { Injectable } from '@nestjs/common';
import { toApprovalResponse } from '../approvals/approval.mapper';
import { ApprovalsService } from '../approvals/approvals.service';
import type { Actor } from '../common/auth/roles';
import { Page } from '../common/pagination/page';
import type { Advance } from './advance';
import { AdvanceAccess } from './advance-access';
import { toAdvanceResponse } from './advance.mapper';
import { AdvanceErrors } from './advances.errors';
import { AdvancesRepository } from './advances.repository';
import { AdvanceResponseDto, ListAdvancesQuery } from './dto/advance.dto';
import type { RequestedAdvance } from './use-cases/request-advance';

/** Reading advances, always through the caller's visibility, with their approval steps. */
@Injectable()
export class AdvancesService {
  constructor(
    private readonly advances: AdvancesRepository,
    private readonly access: AdvanceAccess,
    private readonly approvals: ApprovalsService,
  ) {}

  async get(actor: Actor, id: string): Promise<AdvanceResponseDto> {
    const advance = await this.advances.findVisible(actor.organizationId, await this.access.scopeFor(actor), id);
    if (!advance) throw AdvanceErrors.ADVANCE_NOT_FOUND(`Advance ${id} does not exist`);
    return this.respond(advance);
  }

  async list(actor: Actor, query: ListAdvancesQuery): Promise<Page<AdvanceResponseDto>> {
    const page = await this.advances.listVisible(actor.organizationId, await this.access.scopeFor(actor), query);
    const approvals = await this.approvals.forSubjects(
      actor.organizationId,
      'advance',
      page.items.map((a) => a.id),
    );
    return { ...page, items: page.items.map((a) => toAdvanceResponse(a, approvals.get(a.id) ?? [])) };
  }

  /** The answer to a request: everything is known from its transaction. */
  respondRequested({ advance, approvals }: RequestedAdvance): AdvanceResponseDto {
    return toAdvanceResponse(advance, approvals.map(toApprovalResponse));
  }

  async respond(advance: Advance): Promise<AdvanceResponseDto> {
    const approvals = await this.approvals.forSubjects(advance.organizationId, 'advance', [advance.id]);
    return toAdvanceResponse(advance, approvals.get(advance.id) ?? []);
  }
}
