import { carries, lastAmount, vote } from './receipt-vote';

describe('vote: a digit misread on the page, read otherwise by most re-readings of its line', () => {
  it('replaces a date when 3 of 5 re-readings agree on another (6 read for 5, 6 for 8)', () => {
    const line = 'Date: 26/01/2016 1:22:56PM';
    const rereads = [
      'Date: 25/01/2018 1:22:56PM',
      'Date: 25/01/2018 1:22:56PM',
      'Date: 05/01/2018 1:22 56PM',
      'Date: 25/01/2018 1:22:66PM',
      'Date: 95/01/2018 1:22:56PM',
    ];
    expect(vote('date', '2016-01-26', [{ line, rereads }])).toBe('2018-01-25');
  });

  it('keeps the page date when the re-readings confirm it, or split', () => {
    const line = 'Bill Date : 20/12/2017';
    const confirmed = ['Bill Date : 20/12/2017', 'Bill pate : 20/12/2017', 'Bill Doie 5 AIMEE', 'x', 'y'];
    expect(vote('date', '2017-12-20', [{ line, rereads: confirmed }])).toBe('2017-12-20');
    const split = ['20/13/2017', '20/12/2017', '26/12/2017', '28/12/2017', ''];
    expect(vote('date', '2017-12-20', [{ line, rereads: split }])).toBe('2017-12-20');
  });

  it('replaces a total when 3 re-readings of its line read another amount (6 read for 8)', () => {
    const line = 'Total Payable: 46.04';
    const rereads = ['Total Payable: 48.04', 'Total Paydble: 48.04', 'Total Payaple: 43.', 'Total: 48.84', '48.04'];
    expect(vote('total', '46.04', [{ line, rereads }])).toBe('48.04');
  });

  it('needs more votes for the other value than for the page one', () => {
    const line = 'TOTAL 12.30';
    const rereads = ['TOTAL 12.30', 'TOTAL 12.30', 'TOTAL 12.80', 'TOTAL 12.80', 'TOTAL 12.80'];
    expect(vote('total', '12.30', [{ line, rereads }])).toBe('12.80');
    const tie = ['TOTAL 12.30', 'TOTAL 12.30', 'TOTAL 12.30', 'TOTAL 12.80', 'TOTAL 12.80'];
    expect(vote('total', '12.30', [{ line, rereads: tie }])).toBe('12.30');
  });

  it('only counts lines that carry the chosen value', () => {
    const rereads = ['CASH 50.00', 'CASH 50.00', 'CASH 50.00', 'CASH 50.00', 'CASH 50.00'];
    expect(vote('total', '33.90', [{ line: 'CASH 50.00', rereads }])).toBe('33.90');
  });
});

describe('carries / lastAmount', () => {
  it('finds the value on its line', () => {
    expect(lastAmount('TOTAL ROUNDED RM 33.90')).toBe('33.90');
    expect(lastAmount('Total (RM) : 112,46')).toBe('112.46');
    expect(lastAmount('no amount')).toBeNull();
    expect(carries('total', 'TOTAL RM 33.90', '33.90')).toBe(true);
    expect(carries('date', '12-01-19 21:13 SHO1', '2019-01-12')).toBe(true);
    expect(carries('date', 'Tel 03-5566', '2019-01-12')).toBe(false);
  });
});
