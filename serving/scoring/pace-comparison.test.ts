import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { paceAgainstEarlierYears } from './demand-outlook.ts';

describe('the booking pace against earlier years', () => {
  it('compares with last year when it had sold by the same date', () => {
    const compared = paceAgainstEarlierYears(
      { bookedTravellers: 12, earlierYears: [{ yearsBack: 1, bookedBySameDate: 10, final: 20 }, { yearsBack: 2, bookedBySameDate: 20, final: 30 }] },
      30,
    );
    assert.equal(compared?.yearsBack, 1);
    assert.equal(compared?.pace.pace, 13 / 11);
    assert.equal(compared?.pace.projectedFinal, 20 * (13 / 11));
  });

  it('goes back to the most recent year that had sold by the same date when last year had not', () => {
    const compared = paceAgainstEarlierYears(
      {
        bookedTravellers: 6,
        earlierYears: [{ yearsBack: 1, bookedBySameDate: 0, final: 8 }, { yearsBack: 2, bookedBySameDate: 0, final: 0 }, { yearsBack: 3, bookedBySameDate: 4, final: 9 }],
      },
      30,
    );
    assert.equal(compared?.yearsBack, 3);
    assert.equal(compared?.pace.pace, 7 / 5);
    assert.ok(Number.isFinite(compared!.pace.projectedFinal));
  });

  it('says nothing when no earlier year sold the window', () => {
    assert.equal(paceAgainstEarlierYears({ bookedTravellers: 3, earlierYears: [{ yearsBack: 1, bookedBySameDate: 0, final: 0 }, { yearsBack: 2, bookedBySameDate: 0, final: 0 }] }, 30), null);
  });
});
