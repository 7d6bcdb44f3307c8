import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { runSql, Statement } from '../database/sql';

/** Another per diem trip of the same person that shares a day with the one being priced. */
export interface OverlappingTrip {
  id: string;
  startDate: string;
  endDate: string;
}

/**
 * The per diem trips a person already filed, as pricing a new one needs them: a day is paid once,
 * so two trips of one person may not share a day. Scoped by organization like every spend query.
 */
@Injectable()
export class PerDiemTripsRepository {
  /**
   * Serializes the pricing of one person's per diem trips until the transaction ends, so that two
   * overlapping trips filed at the same moment cannot both see none.
   */
  async lockTripsOf(tx: EntityManager, organizationId: string, userId: string): Promise<void> {
    await runSql(tx, LOCK, [`per_diem_trips:${organizationId}:${userId}`]);
  }

  /** The first trip of the person, other than `exceptId`, that is not cancelled and shares a day with start..end. */
  async overlapping(
    tx: EntityManager,
    organizationId: string,
    userId: string,
    trip: { startDate: string; endDate: string; exceptId: string | null },
  ): Promise<OverlappingTrip | null> {
    const [row] = await runSql<{ id: string; start_date: string; end_date: string }>(tx, OVERLAPPING, [
      organizationId,
      userId,
      trip.startDate,
      trip.endDate,
      trip.exceptId,
    ]);
    return row ? { id: row.id, startDate: row.start_date, endDate: row.end_date } : null;
  }
}

const LOCK: Statement = {
  name: 'per_diem_trips.lock',
  text: `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
};

const OVERLAPPING: Statement = {
  name: 'per_diem_trips.overlapping',
  text: `SELECT id, computation->>'start_date' AS start_date, computation->>'end_date' AS end_date
         FROM spends
         WHERE organization_id = $1 AND user_id = $2 AND source = 'per_diem' AND status <> 'cancelled'
           AND ($5::uuid IS NULL OR id <> $5::uuid)
           AND (computation->>'start_date')::date <= $4::date AND (computation->>'end_date')::date >= $3::date
         ORDER BY computation->>'start_date', id
         LIMIT 1`,
};
