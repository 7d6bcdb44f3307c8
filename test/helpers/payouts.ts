import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app';
import type { Caller } from './requests';

/** Bank accounts that pass every check: IBANs (mod-97), BICs, ABA routing numbers (3-7-1). */
export const IBANS = {
  erika: { kind: 'iban', holder_name: 'Erika Müller', iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX' },
  jan: { kind: 'iban', holder_name: 'Jan de Vries', iban: 'NL91ABNA0417164300', bic: 'ABNANL2A' },
  lea: { kind: 'iban', holder_name: 'Léa Martin', iban: 'FR1420041010050500013M02606', bic: 'PSSTFRPPXXX' },
} as const;
export const ACH = {
  john: {
    kind: 'us_ach',
    holder_name: 'John Doe',
    routing_number: '011000015',
    account_number: '123456789',
    account_type: 'checking',
  },
  mary: {
    kind: 'us_ach',
    holder_name: 'Mary Major',
    routing_number: '122105155',
    account_number: '98765432101',
    account_type: 'savings',
  },
} as const;

export const PAYOUT_SETTINGS = {
  sepa: { debtor_name: 'Acme GmbH', iban: 'DE02 1203 0000 0000 2020 51', bic: 'BYLADEM1001' },
  nacha: {
    immediate_destination: '021000021',
    immediate_destination_name: 'JPMORGAN CHASE',
    immediate_origin: '1234567890',
    immediate_origin_name: 'ACME INC',
    company_name: 'ACME INC',
    company_id: '1234567890',
    odfi_routing: '021000021',
  },
};

/** Puts a bank account on file for `payee`; fails unless the API answers 200. */
export async function bankAccount(t: TestApp, payee: Caller, account: object): Promise<void> {
  await t.as(payee).put('/users/me/bank-account', account).expect(200);
}

/** An approved spend of `owner` (no policy: approved on submission). */
export async function approvedSpend(t: TestApp, owner: Caller, body: object = {}): Promise<string> {
  const spend = await t.given.spend(owner, body);
  if (spend.status !== 'approved') throw new Error(`spend is ${spend.status}, expected approved`);
  return spend.id;
}

/** A webhook receiver on a loopback port that answers 200 and keeps each body. */
export class WebhookReceiver {
  readonly bodies: Array<Record<string, unknown>> = [];
  private server?: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200).end('thanks');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hooks`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
