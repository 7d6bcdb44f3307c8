import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { AppConfig } from './config/app-config';
import { pendingMigrations } from './database/migrations';
import { BootstrapService } from './organizations/bootstrap.service';

export const DEMO_USAGE = `  demo [--org NAME] [--months 3] [--seed N] [--force]
                                  a demo organization (default "Demo Co"): users of every role,
                                  a team, categories, a policy, months of spends with receipts,
                                  approvals decided and payments; prints the logins once. Refuses
                                  an organization that exists already (pass another --org), and
                                  a production installation (NODE_ENV=production) without --force`;

const out = (line: string) => process.stdout.write(`${line}\n`);

export class DemoUsageError extends Error {}

/** A small deterministic generator (mulberry32): the same --seed makes the same spends. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MERCHANTS = ['Lufthansa', 'Cafe Central', 'Hotel Lux', 'Taxi Berlin', 'Office Supplies Co', 'Cloud Hosting'];
const CATEGORIES = [
  ['Travel', '6400'],
  ['Meals', '6410'],
  ['Software', '6500'],
] as const;

/** `npm run cli -- demo`: everything is made through the API's own routes, so the audit chain stays whole. */
export async function demoCommand(
  config: AppConfig,
  flags: Record<string, string | boolean | undefined>,
): Promise<void> {
  const name = typeof flags.org === 'string' && flags.org.trim() !== '' ? flags.org.trim() : 'Demo Co';
  const months = Number(flags.months ?? 3);
  const seed = Number(flags.seed ?? 1);
  if (!Number.isInteger(months) || months < 1 || months > 24) throw new DemoUsageError('--months must be 1 to 24');
  if (!Number.isInteger(seed)) throw new DemoUsageError('--seed must be an integer');
  if (config.env === 'production' && flags.force !== true)
    throw new DemoUsageError(
      'This is a production installation (NODE_ENV=production): the demo would add an organization with known e-mails to it. Pass --force if that is what you want.',
    );
  const random = generator(seed);
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'demo';

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: ['error', 'warn'],
    bufferLogs: true,
  });
  configureApp(app, config);
  try {
    if ((await pendingMigrations(app.get(DataSource))).length > 0)
      throw new DemoUsageError('The schema is not up to date; run `npm run migration:run` first');
    const password = () => `demo-${randomBytes(12).toString('base64url')}`;
    const logins: Array<{ role: string; email: string; password: string }> = [];
    const admin = { role: 'admin', email: `admin@${slug}.demo`, password: password() };
    const boot = await app.get(BootstrapService).bootstrap({
      organizationName: name,
      adminEmail: admin.email,
      adminPassword: admin.password,
      adminFullName: 'Ada Admin',
      baseCurrency: 'USD',
    });
    if (!boot.created)
      throw new DemoUsageError(`The demo organization "${name}" exists already; nothing changed. Pass another --org.`);
    logins.push(admin);

    await app.listen(0, '127.0.0.1');
    const api = client(`http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api/v1`);
    const adminToken = await api.login(admin.email, admin.password);
    const user = async (role: string, fullName: string, extra: object = {}) => {
      const login = { role, email: `${fullName.split(' ')[0].toLowerCase()}@${slug}.demo`, password: password() };
      const created = await api.send(adminToken, 'POST', '/admin/users', {
        email: login.email,
        full_name: fullName,
        role,
        password: login.password,
        ...extra,
      });
      logins.push(login);
      return { id: created.id, token: await api.login(login.email, login.password) };
    };
    const finance = await user('finance', 'Fay Finance');
    const manager = await user('manager', 'Max Manager');
    await user('accountant', 'Aiko Accountant');
    const employees = [
      await user('employee', 'Emma Employee', { manager_id: manager.id }),
      await user('employee', 'Eli Employee', { manager_id: manager.id }),
    ];
    await api.send(adminToken, 'POST', '/teams', { name: 'Sales', member_ids: employees.map((e) => e.id) });
    const categories: string[] = [];
    for (const [category, code] of CATEGORIES)
      categories.push((await api.send(adminToken, 'POST', '/categories', { name: category, code })).id);
    await api.send(adminToken, 'POST', '/policies', {
      name: 'Demo policy',
      rules: [
        {
          id: 'manager-above-100',
          condition: { amount_gt: 100 },
          action: { type: 'require_approval', approver: 'manager' },
          priority: 1,
        },
        {
          id: 'no-casino',
          condition: { merchant_eq: 'Casino' },
          action: { type: 'block', message: 'No gambling' },
          priority: 2,
        },
      ],
    });

    const spends: Array<{ id: string; month: number }> = [];
    const today = new Date();
    for (let month = months - 1; month >= 0; month -= 1) {
      for (const employee of employees) {
        for (let n = 0; n < 3; n += 1) {
          const date = new Date(
            Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - month, 1 + Math.floor(random() * 27)),
          );
          if (date > today) date.setTime(today.getTime());
          const merchant = MERCHANTS[Math.floor(random() * MERCHANTS.length)];
          const amount = (20 + Math.floor(random() * 38_000) / 100).toFixed(2);
          const spendDate = date.toISOString().slice(0, 10);
          const spend = await api.send(employee.token, 'POST', '/spends', {
            amount,
            currency: 'USD',
            spend_date: spendDate,
            merchant,
            category_id: categories[Math.floor(random() * categories.length)],
            description: `${merchant} (demo)`,
          });
          await api.upload(employee.token, spend.id, await receiptImage(merchant, amount, spendDate));
          spends.push({ id: spend.id, month });
        }
      }
    }
    const approvals = (await api.send(manager.token, 'GET', '/approvals?limit=100')).items;
    for (const [index, approval] of approvals.entries()) {
      const reject = index % 5 === 4;
      await api.send(manager.token, 'POST', `/approvals/${approval.id}/decision`, {
        approved: !reject,
        comment: reject ? 'Please split this into its parts' : 'Fine',
      });
    }
    let paid = 0;
    for (const spend of spends.filter((s) => s.month > 0)) {
      const current = await api.send(finance.token, 'GET', `/spends/${spend.id}`);
      if (current.status !== 'approved') continue;
      await api.send(finance.token, 'POST', `/spends/${spend.id}/pay`, {
        reference: `DEMO-${String(++paid).padStart(4, '0')}`,
      });
    }

    out(
      `Created the demo organization "${name}" (${boot.organizationId}): ${spends.length} spends over ${months} month(s),`,
    );
    out(`${approvals.length} approvals decided, ${paid} spends paid. Log in at POST /api/v1/auth/login with:`);
    for (const login of logins) out(`  ${login.role.padEnd(10)} ${login.email}  ${login.password}`);
    out('These passwords are shown once and stored nowhere else.');
  } finally {
    await app.close();
  }
}

/** A receipt as a phone would photograph it: merchant, date and total on white. */
async function receiptImage(merchant: string, amount: string, date: string): Promise<Buffer> {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800"><rect width="100%" height="100%" fill="white"/>
    <text x="40" y="120" font-size="44" font-family="sans-serif">${escape(merchant)}</text>
    <text x="40" y="220" font-size="32" font-family="sans-serif">Date ${date}</text>
    <text x="40" y="320" font-size="36" font-family="sans-serif">TOTAL USD ${amount}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** What the demo reads of the API's answers. */
interface Answer {
  id: string;
  status: string;
  access_token: string;
  items: Array<{ id: string }>;
}

function client(base: string) {
  const call = async (token: string | null, method: string, path: string, body?: unknown, form?: FormData) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const answer = (await response.json().catch(() => ({}))) as Answer;
    if (!response.ok) throw new Error(`demo: ${method} ${path} answered ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  return {
    send: (token: string, method: string, path: string, body?: unknown) =>
      call(token, method, path, method === 'GET' ? undefined : (body ?? {})),
    login: async (email: string, password: string) =>
      (await call(null, 'POST', '/auth/login', { email, password })).access_token,
    upload: (token: string, spendId: string, png: Buffer) => {
      const form = new FormData();
      form.append('spend_id', spendId);
      form.append('file', new Blob([png], { type: 'image/png' }), 'receipt.png');
      return call(token, 'POST', '/receipts', undefined, form);
    },
  };
}
