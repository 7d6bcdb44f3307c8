import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { toApprovalResponse } from '../approvals/approval.mapper';
import { ApprovalsService } from '../approvals/approvals.service';
import type { Actor } from '../common/auth/roles';
import { formatAmount } from '../common/money/money';
import { Page } from '../common/pagination/page';
import { Directory } from '../users/directory';
import { ListSpendsQuery } from './dto/spend-query.dto';
import { SimulateSpendDto } from './dto/spend-input.dto';
import { SimulationResponseDto, SpendResponseDto } from './dto/spend-response.dto';
import { SpendAccess } from './spend-access';
import { SpendAttachments } from './spend-attachments';
import { SIMULATED_SPEND_ID, Spend } from './spend.entity';
import { toSpendResponse } from './spend.mapper';
import { SpendErrors } from './spends.errors';
import { SpendsRepository } from './spends.repository';
import type { CreatedSpend } from './use-cases/create-spend';
import { PolicyCheck } from './use-cases/policy-check';
import { SpendFields } from './use-cases/spend-fields';

/** Reading spends (always through the caller's visibility) and simulating policies. */
@Injectable()
export class SpendsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly spends: SpendsRepository,
    private readonly access: SpendAccess,
    private readonly approvals: ApprovalsService,
    private readonly fields: SpendFields,
    private readonly policyCheck: PolicyCheck,
    private readonly directory: Directory,
    private readonly attachments: SpendAttachments,
  ) {}

  /** The spend if the caller may see it (null otherwise, as for another organization's). */
  async findVisible(actor: Actor, id: string): Promise<Spend | null> {
    return this.spends.findVisible(actor.organizationId, await this.access.scopeFor(actor), id);
  }

  async get(actor: Actor, id: string): Promise<SpendResponseDto> {
    const spend = await this.spends.findVisible(actor.organizationId, await this.access.scopeFor(actor), id);
    if (!spend) throw SpendErrors.SPEND_NOT_FOUND(`Spend ${id} does not exist`);
    return this.respond(spend);
  }

  async list(actor: Actor, query: ListSpendsQuery): Promise<Page<SpendResponseDto>> {
    const page = await this.spends.listVisible(actor.organizationId, await this.access.scopeFor(actor), query);
    const ids = page.items.map((s) => s.id);
    const [approvals, receipts] = await Promise.all([
      this.approvals.forSpends(actor.organizationId, ids),
      this.attachments.forSpends(actor.organizationId, ids),
    ]);
    return {
      ...page,
      items: page.items.map((s) => toSpendResponse(s, approvals.get(s.id) ?? [], receipts.get(s.id) ?? [])),
    };
  }

  /** The answer to a create: everything is known from its transaction (a new spend has no receipts yet). */
  respondCreated({ spend, approvals }: CreatedSpend): SpendResponseDto {
    return toSpendResponse(spend, approvals.map(toApprovalResponse), []);
  }

  async respond(spend: Spend): Promise<SpendResponseDto> {
    const [approvals, receipts] = await Promise.all([
      this.approvals.forSpends(spend.organizationId, [spend.id]),
      this.attachments.forSpends(spend.organizationId, [spend.id]),
    ]);
    return toSpendResponse(spend, approvals.get(spend.id) ?? [], receipts.get(spend.id) ?? []);
  }

  /** The evaluation a spend would get, for the caller or another user of the organization. Stores nothing. */
  async simulate(actor: Actor, dto: SimulateSpendDto): Promise<SimulationResponseDto> {
    const ownerId = dto.user_id ?? actor.userId;
    if (!(await this.directory.user(actor.organizationId, ownerId))) {
      throw SpendErrors.INVALID_REFERENCE(`user_id ${ownerId} is not a user of this organization`, {
        errors: [{ field: 'user_id', message: 'must name a user of this organization' }],
      });
    }
    const { user_id: _ignored, ...fields } = dto;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction('REPEATABLE READ');
    try {
      const spend = Object.assign(new Spend(), {
        id: SIMULATED_SPEND_ID,
        organizationId: actor.organizationId,
        userId: ownerId,
        status: 'draft',
        source: dto.source ?? 'manual',
        teamId: null,
        categoryId: null,
        vendorId: null,
        merchant: null,
        description: null,
        // Set, not left out: an unset computation would read as a computed spend (no receipt needed).
        computation: null,
        systemFlags: [],
        flags: [],
        receiptCount: 0,
        receiptVerified: false,
        approvalRound: 0,
      });
      await this.fields.apply(runner.manager, spend, fields);
      const { stored } = await this.policyCheck.run(runner.manager, spend);
      const { evaluated_at: _at, ...evaluation } = stored;
      return {
        ...evaluation,
        base_amount: formatAmount(BigInt(spend.baseAmountMinor), spend.baseCurrency),
        base_currency: spend.baseCurrency,
      };
    } finally {
      // A simulation never writes; the transaction only gives its reads one consistent view.
      await runner.rollbackTransaction();
      await runner.release();
    }
  }
}
