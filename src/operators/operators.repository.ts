import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runSql, Statement } from '../database/sql';

/** One row of `operators`: the installation's operator accounts, outside every organization. */
export interface Operator {
  id: string;
  /** Lower-cased; unique in the installation. */
  email: string;
  passwordHash: string;
  isActive: boolean;
  /** Bumped by a deactivation and a password change: older operator tokens stop working. */
  tokenVersion: number;
  createdAt: Date;
  deactivatedAt: Date | null;
}

/** Every query on operators. Installation-wide on purpose: operators belong to no organization. */
@Injectable()
export class OperatorsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The new operator; null when the e-mail is taken. */
  async insert(email: string, passwordHash: string): Promise<Operator | null> {
    const [row] = await runSql<OperatorRow>(this.dataSource, INSERT, [email, passwordHash]);
    return row ? toOperator(row) : null;
  }

  async findByEmail(email: string): Promise<Operator | null> {
    const [row] = await runSql<OperatorRow>(this.dataSource, BY_EMAIL, [email]);
    return row ? toOperator(row) : null;
  }

  async findById(id: string): Promise<Operator | null> {
    const [row] = await runSql<OperatorRow>(this.dataSource, BY_ID, [id]);
    return row ? toOperator(row) : null;
  }

  async list(): Promise<Operator[]> {
    return (await runSql<OperatorRow>(this.dataSource, LIST)).map(toOperator);
  }

  /** Activates or deactivates; a deactivation ends every token. Null for an unknown e-mail. */
  async setActive(email: string, active: boolean): Promise<Operator | null> {
    const [row] = await runSql<OperatorRow>(this.dataSource, SET_ACTIVE, [email, active]);
    return row ? toOperator(row) : null;
  }

  /** A new password hash; every token ends. Null for an unknown e-mail. */
  async setPassword(email: string, passwordHash: string): Promise<Operator | null> {
    const [row] = await runSql<OperatorRow>(this.dataSource, SET_PASSWORD, [email, passwordHash]);
    return row ? toOperator(row) : null;
  }
}

interface OperatorRow {
  id: string;
  email: string;
  password_hash: string;
  is_active: boolean;
  token_version: number;
  created_at: Date;
  deactivated_at: Date | null;
}

function toOperator(row: OperatorRow): Operator {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    isActive: row.is_active,
    tokenVersion: row.token_version,
    createdAt: row.created_at,
    deactivatedAt: row.deactivated_at,
  };
}

const COLUMNS = 'id, email, password_hash, is_active, token_version, created_at, deactivated_at';
const INSERT: Statement = {
  name: 'operators.insert',
  text: `INSERT INTO operators (email, password_hash) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING RETURNING ${COLUMNS}`,
};
const BY_EMAIL: Statement = { name: 'operators.by_email', text: `SELECT ${COLUMNS} FROM operators WHERE email = $1` };
const BY_ID: Statement = { name: 'operators.by_id', text: `SELECT ${COLUMNS} FROM operators WHERE id = $1` };
const LIST: Statement = { name: 'operators.list', text: `SELECT ${COLUMNS} FROM operators ORDER BY created_at, id` };
// A change of state moves the token version on; setting the state it already has does not.
const SET_ACTIVE: Statement = {
  name: 'operators.set_active',
  text: `UPDATE operators SET is_active = $2,
           token_version = token_version + CASE WHEN is_active <> $2 THEN 1 ELSE 0 END,
           deactivated_at = CASE WHEN $2 THEN NULL WHEN is_active THEN now() ELSE deactivated_at END,
           updated_at = now()
         WHERE email = $1 RETURNING ${COLUMNS}`,
};
const SET_PASSWORD: Statement = {
  name: 'operators.set_password',
  text: `UPDATE operators SET password_hash = $2, token_version = token_version + 1, updated_at = now()
         WHERE email = $1 RETURNING ${COLUMNS}`,
};
