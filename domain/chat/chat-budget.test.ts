import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAttackedApi, type AttackedApi } from '../../test/security/attacked-api.ts';

/**
 * A stated budget ranks the proposals, through POST /v1/chat/messages on the real API over HTTP (the served nlu
 * model, the quotation engine on PostgreSQL, prices from the API itself). The sample catalogue's one Cusco trip
 * gets a cheaper one beside it, later in the catalogue's order, so only the budget can put it first.
 */
const YEAR = new Date().getUTCFullYear() + 1;
const TODAY = `${YEAR}-03-10`;

interface Proposal {
  code: string;
  listPrice?: { total: number; perPerson: number; currency: string };
  withinBudget?: boolean;
}

describe('POST /v1/chat/messages with a budget', () => {
  let api: AttackedApi;
  let customer: number;
  let cityTour: number;
  const say = (sessionId: string, text: string, extra: Record<string, unknown> = {}) =>
    api.http.call('POST', '/v1/chat/messages', { key: api.keys['quotation-engine'], body: { sessionId, text, today: TODAY, ...extra } });
  const codes = (proposals: Proposal[]) => proposals.map((p) => p.code);

  before(async () => {
    api = await startAttackedApi('chat_budget', { withModels: true });
    const pool = api.db.pool;
    customer = Number((await pool.query(`SELECT id FROM customers WHERE language = 'en'`)).rows[0].id);
    cityTour = Number(
      (await pool.query(`INSERT INTO itineraries (code, name, destination_id, duration_days, service_level) SELECT 'cusco-city-2d', 'Cusco city in 2 days', id, 2, 'standard' FROM destinations WHERE code = 'cusco' RETURNING id`)).rows[0].id,
    );
    await pool.query(
      `INSERT INTO itinerary_components (itinerary_id, kind, name, day_number, nights, unit, unit_cost, unit_capacity) VALUES
         ($1, 'guide', 'Guide Cusco city', 1, 0, 'per_group', 40, NULL), ($1, 'service', 'Cathedral and Qorikancha entrance', 1, 0, 'per_person', 30, NULL)`,
      [cityTour],
    );
  });
  after(async () => api?.close());

  it('puts the trip within a budget per person first and quotes it, saying it fits per person', async () => {
    const answer = await say('budget-pp', 'quisiera cotizar Cusco para 2 personas el 14 de julio, presupuesto de 300 dólares por persona', { customerId: customer });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.body.context.budget, { amount: 300, currency: 'USD', per: 'person' });
    const proposals: Proposal[] = answer.body.itineraries;
    assert.deepEqual(codes(proposals), ['cusco-city-2d', 'mp-4d'], answer.text);
    assert.deepEqual(proposals.map((p) => p.withinBudget), [true, false]);
    assert.ok(proposals[0].listPrice!.perPerson <= 300 && proposals[1].listPrice!.perPerson > 300, answer.text);
    assert.equal(answer.body.quotation?.itineraryId, cityTour, answer.text);
    assert.match(answer.body.reply, /^Le proponemos "Cusco city in 2 days".* Está dentro de su presupuesto de USD\s300 por persona\.$/, answer.text);
  });

  it('compares the total for the party when the customer did not say per person, and says so', async () => {
    const perPerson = await say('budget-basis-1', 'quisiera cotizar Cusco para 2 personas el 14 de julio, presupuesto de 1000 dólares por persona');
    const mp = (perPerson.body.itineraries as Proposal[]).find((p) => p.code === 'mp-4d')!;
    assert.ok(mp.listPrice!.perPerson <= 1000 && mp.listPrice!.total > 1000, `the figures this test needs: ${perPerson.text}`);
    assert.deepEqual(codes(perPerson.body.itineraries), ['mp-4d', 'cusco-city-2d'], 'both fit per person: the catalogue order stands');

    const total = await say('budget-basis-2', 'quisiera cotizar Cusco para 2 personas el 14 de julio, presupuesto de 1000 dólares');
    assert.deepEqual(total.body.context.budget, { amount: 1000, currency: 'USD' });
    assert.deepEqual(codes(total.body.itineraries), ['cusco-city-2d', 'mp-4d'], total.text);
    assert.match(total.body.reply, /El primero entra en su presupuesto de USD\s1,000 en total para 2 personas\.$/, total.text);
  });

  it('says when nothing fits the budget instead of proposing over-budget trips silently', async () => {
    const answer = await say('budget-none', 'Quote Cusco for 2 people on July 14, budget of fifty dollars each', { customerId: customer });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.body.context.budget, { amount: 50, currency: 'USD', per: 'person' });
    assert.deepEqual((answer.body.itineraries as Proposal[]).map((p) => p.withinBudget), [false, false]);
    const cheapest = (answer.body.itineraries as Proposal[]).find((p) => p.code === 'cusco-city-2d')!.listPrice!.perPerson;
    assert.ok(answer.body.reply.startsWith(`None of our Cusco & Machu Picchu programmes fits your budget of $50 per person; the least expensive, "Cusco city in 2 days", costs $${Math.round(cheapest)} per person. We suggest`), answer.text);
  });

  it('names the least expensive trip of the destination when nothing fits, even one ranked past the proposals (found by a review)', async () => {
    const pool = api.db.pool;
    // The nlu model knows Titicaca by the catalogue's code; the sample catalogue calls it 'puno'.
    await pool.query(`UPDATE destinations SET code = 'puno-titicaca' WHERE code = 'puno'`);
    // Three more Titicaca trips after the sample's one, the cheapest last: fourth in the catalogue's order.
    for (const [code, name, guide] of [['tt-islands-4d', 'Titicaca islands in 4 days', 900], ['tt-kayak-3d', 'Titicaca by kayak', 800], ['tt-uros-1d', 'Uros in a day', 150]] as const) {
      const id = Number((await pool.query(`INSERT INTO itineraries (code, name, destination_id, duration_days, service_level) SELECT $1, $2, id, 3, 'standard' FROM destinations WHERE code = 'puno-titicaca' RETURNING id`, [code, name])).rows[0].id);
      await pool.query(`INSERT INTO itinerary_components (itinerary_id, kind, name, day_number, nights, unit, unit_cost, unit_capacity) VALUES ($1, 'guide', 'Guide Titicaca', 1, 0, 'per_group', $2, NULL)`, [id, guide]);
    }
    const answer = await say('budget-none-fourth', 'Quote Lake Titicaca for 2 people on October 5, budget of fifty dollars each');
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(codes(answer.body.itineraries), ['tt-3d', 'tt-islands-4d', 'tt-kayak-3d'], `the cheapest is not proposed: ${answer.text}`);
    assert.match(answer.body.reply, /^None of our .* programmes fits your budget of \$50 per person; the least expensive, "Uros in a day", costs \$\d+ per person\./, answer.text);
  });

  it('leaves a budget in another currency to an agent rather than convert it by guess', async () => {
    const answer = await say('budget-pen', 'quisiera cotizar Cusco para 2 personas el 14 de julio, presupuesto de 300 soles por persona');
    assert.deepEqual(codes(answer.body.itineraries), ['mp-4d', 'cusco-city-2d'], 'the order without a budget');
    // Found by a review: no comparison, no verdict ("withinBudget: false" said they were over a budget never compared).
    assert.deepEqual((answer.body.itineraries as Proposal[]).map((p) => p.withinBudget), [undefined, undefined], answer.text);
    assert.match(answer.body.reply, /no podemos compararlos con su presupuesto en PEN/, answer.text);
  });
});
