import {
  approvalAssignedText,
  formatDate,
  formatMoney,
  receiptFailedText,
  receiptProcessedText,
  renderEmail,
  reportFailedText,
  reportReadyText,
  spendBlockedText,
  spendLabel,
  spendPaidText,
  spendRejectedText,
  SpendSubject,
} from './notification-text';

const hotel: SpendSubject = {
  merchant: 'Hotel Lux',
  vendorName: null,
  categoryName: 'Travel',
  description: null,
  amountMinor: '65000',
  currency: 'USD',
  spendDate: '2026-03-02',
  ownerName: 'Jane Doe',
};

describe('notification text', () => {
  it("formats amounts with the currency's ISO-4217 digits, grouped, exactly however large", () => {
    expect(formatMoney('65000', 'USD')).toBe('USD 650.00');
    expect(formatMoney('1200', 'JPY')).toBe('JPY 1,200');
    expect(formatMoney('1234', 'BHD')).toBe('BHD 1.234');
    expect(formatMoney('5', 'EUR')).toBe('EUR 0.05');
    expect(formatMoney(123456789012345678n, 'USD')).toBe('USD 1,234,567,890,123,456.78');
  });

  it("writes dates with the month's name, whatever the time zone", () => {
    expect(formatDate('2026-08-13')).toBe('13 Aug 2026');
    expect(formatDate('2026-01-01')).toBe('1 Jan 2026');
  });

  it('names a spend by merchant, else vendor, else category', () => {
    expect(spendLabel(hotel)).toBe('Hotel Lux');
    expect(spendLabel({ ...hotel, merchant: null, vendorName: 'Acme Travel' })).toBe('Acme Travel');
    expect(spendLabel({ ...hotel, merchant: '  ', vendorName: null })).toBe('Travel');
    expect(spendLabel({ ...hotel, merchant: null, categoryName: null })).toBe('Spend');
  });

  it('tells the approver whose spend waits, for how much, and why a role step reached them', () => {
    const text = approvalAssignedText(
      { ...hotel, description: 'Client visit' },
      { number: 2, role: 'finance', note: null },
    );
    expect(text.title).toBe('Approval needed: Hotel Lux, USD 650.00');
    expect(text.body).toBe(
      'Jane Doe submitted Hotel Lux (USD 650.00, 2 Mar 2026), and it waits for your approval (step 2). The step is assigned to the finance role; anyone holding it may decide. Description: “Client visit”.',
    );
  });

  it("gives the rejection's comment and who rejected, and the block's policy message", () => {
    expect(spendRejectedText(hotel, { comment: 'Split hotel and meals', by: 'Mary Major' }).body).toBe(
      'Your spend Hotel Lux (USD 650.00, 2 Mar 2026) was rejected by Mary Major: “Split hotel and meals”. Edit it and submit it again, or cancel it.',
    );
    expect(spendBlockedText(hotel, 'Gambling is never reimbursed')).toEqual({
      title: 'Spend blocked: Hotel Lux, USD 650.00',
      body: 'Your spend Hotel Lux (USD 650.00, 2 Mar 2026) was blocked by a policy of your organization: “Gambling is never reimbursed”.',
    });
    expect(spendPaidText(hotel, 'SEPA-42').body).toBe(
      'Your spend Hotel Lux (USD 650.00, 2 Mar 2026) was paid (payment reference SEPA-42).',
    );
  });

  it('says what OCR read, and whether it verified the receipt or found another amount', () => {
    const reading = {
      filename: 'lux.jpg',
      merchant: 'HOTEL LUX',
      date: '2026-03-02',
      total: '650.00',
      currency: 'USD',
      verified: true,
      amountMismatch: false,
    };
    expect(receiptProcessedText(hotel, reading, true)).toEqual({
      title: 'Receipt verified: Hotel Lux, USD 650.00',
      body: 'The receipt lux.jpg for your spend Hotel Lux (USD 650.00, 2 Mar 2026) was read: merchant HOTEL LUX, total USD 650.00, date 2 Mar 2026. It matches the spend: the receipt is verified.',
    });
    const mismatch = receiptProcessedText(
      hotel,
      { ...reading, total: '700', verified: false, amountMismatch: true },
      false,
    );
    expect(mismatch.title).toBe('Receipt read: Hotel Lux, USD 650.00');
    expect(mismatch.body).toContain("for Jane Doe's spend Hotel Lux");
    expect(mismatch.body).toContain('total USD 700.00');
    expect(mismatch.body).toContain("does not match the spend's amount of USD 650.00 (amount mismatch)");
    expect(
      receiptFailedText(hotel, { filename: 'blank.png', error: 'The document does not look like a receipt' }, true)
        .body,
    ).toMatch(
      /^The receipt blank\.png for your spend Hotel Lux \(USD 650\.00, 2 Mar 2026\) could not be read: The document does not look like a receipt\./,
    );
  });

  it('keeps titles and bodies within their limits', () => {
    const long = spendRejectedText({ ...hotel, merchant: 'M'.repeat(1000) }, { comment: 'c'.repeat(5000), by: null });
    expect(long.title.length).toBeLessThanOrEqual(300);
    expect(long.body.length).toBeLessThanOrEqual(4000);
  });

  it('renders the e-mail: the title as subject, plain text, and HTML with everything escaped', () => {
    const email = renderEmail({ title: 'Spend rejected: <b>Bar & Grill</b>', body: 'Comment: “no <script>”' }, 'Jane');
    expect(email.subject).toBe('Spend rejected: <b>Bar & Grill</b>');
    expect(email.text).toContain('Hello Jane,\n\nComment: “no <script>”');
    expect(email.html).toContain('&lt;b&gt;Bar &amp; Grill&lt;/b&gt;');
    expect(email.html).not.toContain('<script>');
  });

  it("tells a stored report's requester when it is ready until, or why it failed", () => {
    expect(reportReadyText({ kind: 'xlsx', expiresAt: new Date('2026-04-04T09:00:03.000Z') })).toEqual({
      title: 'Your XLSX export is ready',
      body: 'The XLSX export you requested is ready to download until 2026-04-04 09:00 UTC.',
    });
    expect(reportReadyText({ kind: 'summary', expiresAt: null }).body).toBe(
      'The summary you requested is ready to download.',
    );
    expect(reportFailedText({ kind: 'journal', errorCode: 'STORAGE_UNAVAILABLE' })).toEqual({
      title: 'Your accounting journal could not be made',
      body: 'The accounting journal you requested failed: the file store could not be reached. Request it again.',
    });
    expect(reportFailedText({ kind: 'csv', errorCode: 'REPORT_FAILED' }).body).toBe(
      'The CSV export you requested failed: something went wrong. Request it again.',
    );
  });
});
