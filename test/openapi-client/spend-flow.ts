import createClient from 'openapi-fetch';
import type { components, paths } from 'spendin-openapi';

type Schemas = components['schemas'];
type Client = ReturnType<typeof createClient<paths>>;

export interface SpendFlowInput {
  baseUrl: string;
  admin: { email: string; password: string };
  employee: { email: string; password: string };
  receipt: { bytes: Uint8Array; filename: string; type: string };
}

export interface SpendFlowResult {
  policy: Schemas['PolicyResponseDto'];
  spend: Schemas['SpendResponseDto'];
  receipt: Schemas['ReceiptResponseDto'];
  decision: Schemas['DecisionResponseDto'];
  decidedAgain: { status: number; code: string };
  documentedCodes: string[];
  unknownSpend: { status: number; code: string };
  after: Schemas['SpendResponseDto'];
}

/** Fails with the problem's code: a typed client still has to say what went wrong. */
function must<T>(answer: { data?: T; error?: { code: string }; response: Response }): T {
  if (answer.data === undefined) throw new Error(`${answer.response.status} ${answer.error?.code ?? 'no body'}`);
  return answer.data;
}

async function logIn(baseUrl: string, credentials: { email: string; password: string }): Promise<Client> {
  const tokens = must(await createClient<paths>({ baseUrl }).POST('/api/v1/auth/login', { body: credentials }));
  // A user with a second factor is answered a challenge for POST /auth/mfa instead; these have none.
  if ('mfa_required' in tokens) throw new Error('this flow logs in users without a second factor');
  return createClient<paths>({ baseUrl, headers: { Authorization: `${tokens.token_type} ${tokens.access_token}` } });
}

/**
 * What a client generated from /docs-json (openapi-typescript + openapi-fetch) does, written only
 * against the generated types: an admin makes a policy, an employee a spend it sends for approval
 * and its receipt, the admin decides the approval. Run by test/openapi-contract.e2e-spec.ts.
 */
export async function runSpendFlow(input: SpendFlowInput): Promise<SpendFlowResult> {
  const admin = await logIn(input.baseUrl, input.admin);
  const employee = await logIn(input.baseUrl, input.employee);

  const rule: Schemas['PolicyRuleInput'] = {
    id: 'over-100',
    priority: 1,
    condition: { all: [{ amount_gt: 100 }, { not: { source_in: ['card'] } }] },
    action: { type: 'require_approval', approver: 'admin' },
  };
  const policy = must(await admin.POST('/api/v1/policies', { body: { name: 'Client check', rules: [rule] } }));

  const spend = must(
    await employee.POST('/api/v1/spends', {
      body: { amount: '250.00', currency: 'USD', spend_date: new Date().toISOString().slice(0, 10), merchant: 'Acme' },
    }),
  );

  const receipt = must(
    await employee.POST('/api/v1/spends/{id}/receipts', {
      params: { path: { id: spend.id } },
      body: { file: input.receipt.filename },
      bodySerializer: () => {
        const form = new FormData();
        form.append(
          'file',
          new Blob([input.receipt.bytes.slice()], { type: input.receipt.type }),
          input.receipt.filename,
        );
        return form;
      },
    }),
  );

  const pending = must(await admin.GET('/api/v1/approvals', { params: { query: { status: 'pending', limit: 100 } } }));
  const step = pending.items.find((approval) => approval.spend_id === spend.id);
  if (!step) throw new Error(`no pending approval of spend ${spend.id}`);
  const decide = { params: { path: { approval_id: step.id } }, body: { approved: true, comment: 'Fine' } };
  const decision = must(await admin.POST('/api/v1/approvals/{approval_id}/decision', decide));

  // Problems are typed too: `code` is the enum of the codes the route documents, not any string.
  const again = await admin.POST('/api/v1/approvals/{approval_id}/decision', decide);
  type DecisionProblemCode = NonNullable<typeof again.error>['code'];
  const againCode: DecisionProblemCode | undefined = again.error?.code;
  const documented: DecisionProblemCode = 'APPROVAL_ALREADY_DECIDED';
  // @ts-expect-error a code the route does not document is not one of its answers
  const undocumented: DecisionProblemCode = 'SPEND_NOT_EDITABLE';
  const missing = await employee.GET('/api/v1/spends/{id}', {
    params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
  });

  const after = must(await employee.GET('/api/v1/spends/{id}', { params: { path: { id: spend.id } } }));
  return {
    policy,
    spend,
    receipt,
    decision,
    decidedAgain: { status: again.response.status, code: againCode ?? '' },
    documentedCodes: [documented, undocumented],
    unknownSpend: { status: missing.response.status, code: missing.error?.code ?? '' },
    after,
  };
}
