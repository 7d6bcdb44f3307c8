import { compact, escapeXml, groupDigits, niceScale, renderBarChart } from './bar-chart';

describe('bar chart', () => {
  it('scales the axis to a round number in about five steps', () => {
    expect(niceScale(19_310.63)).toEqual({ max: 20_000, ticks: [0, 5000, 10_000, 15_000, 20_000] });
    expect(niceScale(0.7)).toEqual({ max: 0.8, ticks: [0, 0.2, 0.4, 0.6, 0.8] });
    expect(niceScale(1e12).max).toBe(1e12);
    expect(niceScale(12_345.67).ticks).toEqual([0, 2500, 5000, 7500, 10_000, 12_500]);
  });

  it('writes rounded amounts for ticks and crowded bars', () => {
    expect(compact(0)).toBe('0');
    expect(compact(0.25)).toBe('0.25');
    expect(compact(950)).toBe('950');
    expect(compact(12_500)).toBe('12.5k');
    expect(compact(3_200_000)).toBe('3.2M');
    expect(compact(1.25e12)).toBe('1.25T');
    expect(compact(999_999_999_999.99)).toBe('1000B');
  });

  it('groups digits of exact decimal strings, however large', () => {
    expect(groupDigits('1234567.89')).toBe('1,234,567.89');
    expect(groupDigits('999999999999999.99')).toBe('999,999,999,999,999.99');
    expect(groupDigits('1200')).toBe('1,200');
    expect(groupDigits('0.5')).toBe('0.5');
  });

  it('draws labels from data as text, never as markup', () => {
    expect(escapeXml('<image href="file:///etc/passwd"/> & \'x\'\u0007')).toBe(
      '&lt;image href=&quot;file:///etc/passwd&quot;/&gt; &amp; &apos;x&apos;',
    );
    const svg = renderBarChart({
      title: 'Spend per category',
      subtitle: 'USD',
      orientation: 'rows',
      emptyMessage: 'none',
      bars: [{ label: '<image href="file:///x"/>', value: 10, display: '10.00' }],
    });
    expect(svg).not.toContain('<image');
    expect(svg).toContain('&lt;image href=&quot;file:///x&quot;/&gt;');
  });

  it('draws one bar per entry with its exact amount, or a message when there is nothing', () => {
    const svg = renderBarChart({
      title: 'Spend per month',
      subtitle: 'USD',
      orientation: 'columns',
      emptyMessage: 'No spends in this period',
      bars: [
        { label: 'Jan 2026', value: 0.1, display: '0.10' },
        { label: 'Feb 2026', value: 1234.5, display: '1,234.50' },
      ],
    });
    expect(svg.match(/<rect /g)).toHaveLength(3);
    expect(svg).toContain('>1,234.50<');
    expect(svg).toContain('>0.10<');
    expect(svg).toContain('>Feb 2026<');
    const empty = renderBarChart({
      title: 't',
      subtitle: 's',
      orientation: 'columns',
      emptyMessage: 'No spends in this period',
      bars: [{ label: 'Jan', value: 0, display: '0.00' }],
    });
    expect(empty).toContain('No spends in this period');
  });

  it('turns every value label upright when the bars are too narrow for them', () => {
    const bars = Array.from({ length: 60 }, (_, i) => ({
      label: `M${i}`,
      value: 123_456_789 + i,
      display: '123,456,789.00',
    }));
    const svg = renderBarChart({ title: 't', subtitle: 's', orientation: 'columns', emptyMessage: '', bars });
    expect(svg.match(/rotate\(-90 /g)).toHaveLength(60);
    expect(svg).toContain('>123M<');
    const few = renderBarChart({
      title: 't',
      subtitle: 's',
      orientation: 'columns',
      emptyMessage: '',
      bars: bars.slice(0, 3),
    });
    expect(few).not.toContain('rotate(-90 ');
    expect(few).toContain('>123,456,789.00<');
  });
});
