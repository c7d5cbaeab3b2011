import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { paceAgainstEarlierYears } from './demand-outlook.ts';

const curve = (byLead: Record<number, number>) => ({ 0: 0, 7: 0, 30: 0, 90: 0, 180: 0, ...byLead });

describe('the booking pace against earlier years', () => {
  it('compares with last year when it had sold by this lead time', () => {
    const compared = paceAgainstEarlierYears({ bookedTravellers: 12, earlierYears: [{ yearsBack: 1, byLead: curve({ 0: 20, 7: 15, 30: 10, 90: 4 }) }, { yearsBack: 2, byLead: curve({ 0: 30, 30: 20 }) }] }, 30);
    assert.equal(compared?.yearsBack, 1);
    assert.equal(compared?.pace.pace, 13 / 11);
  });

  it('goes back to the most recent year that had sold by now when last year had not', () => {
    const compared = paceAgainstEarlierYears(
      { bookedTravellers: 6, earlierYears: [{ yearsBack: 1, byLead: curve({ 0: 8, 7: 3 }) }, { yearsBack: 2, byLead: curve({}) }, { yearsBack: 3, byLead: curve({ 0: 9, 30: 4, 90: 2 }) }] },
      30,
    );
    assert.equal(compared?.yearsBack, 3);
    assert.equal(compared?.pace.pace, 7 / 5);
    assert.ok(Number.isFinite(compared!.pace.projectedFinal));
  });

  it('says nothing when no earlier year sold the window', () => {
    assert.equal(paceAgainstEarlierYears({ bookedTravellers: 3, earlierYears: [{ yearsBack: 1, byLead: curve({}) }, { yearsBack: 2, byLead: curve({}) }] }, 30), null);
  });
});
