import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UserErrors } from './users.errors';
import { ReportingLineRepository } from './reporting-line.repository';
import { UsersRepository } from './users.repository';

/** The manager_id tree: who reports to whom, kept free of cycles. */
@Injectable()
export class ReportingLine {
  constructor(
    private readonly users: UsersRepository,
    private readonly line: ReportingLineRepository,
  ) {}

  async assertManagerExists(tx: EntityManager, organizationId: string, managerId: string): Promise<void> {
    const manager = await this.users.findById(organizationId, managerId, tx);
    if (!manager || !manager.isActive) {
      throw UserErrors.MANAGER_NOT_FOUND(`manager_id ${managerId} is not an active user of this organization`, {
        errors: [{ field: 'manager_id', message: 'must name an active user of this organization' }],
      });
    }
  }

  /**
   * Refuses a manager that is the user or reports to the user, directly or not. Changes to
   * one organization's reporting line are serialized so that two concurrent edits cannot
   * close a cycle between them.
   */
  async assertCanReportTo(
    tx: EntityManager,
    organizationId: string,
    userId: string,
    managerId: string | null,
  ): Promise<void> {
    if (managerId === null) return;
    await this.line.lock(tx, organizationId);
    await this.assertManagerExists(tx, organizationId, managerId);
    const chain = await this.line.managerChain(tx, organizationId, managerId);
    if (managerId === userId || chain.includes(userId)) {
      throw UserErrors.MANAGER_CYCLE(`User ${managerId} reports to ${userId}, directly or through others`, {
        errors: [{ field: 'manager_id', message: 'would make the user their own (indirect) manager' }],
      });
    }
  }
}
