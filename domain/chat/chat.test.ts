import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAttackedApi, type AttackedApi } from '../../test/security/attacked-api.ts';
import { BOOKING_SYSTEM_ERASURE } from '../personal-data/personal-data-map.ts';
import { purgeChatHistory, sessionHash } from './chat-history.ts';

/**
 * POST /v1/chat/messages through the real API over HTTP: the served nlu model (a serving world's), the
 * quotation engine on a real PostgreSQL with the sample catalogue, prices from the API itself.
 */
const YEAR = new Date().getUTCFullYear() + 1;
const TODAY = `${YEAR}-03-10`;

describe('POST /v1/chat/messages', () => {
  let api: AttackedApi;
  let customers: Record<string, number>;
  const say = (sessionId: string, text: string, extra: Record<string, unknown> = {}, key = api.keys['quotation-engine']) =>
    api.http.call('POST', '/v1/chat/messages', { key, body: { sessionId, text, today: TODAY, ...extra } });

  before(async () => {
    api = await startAttackedApi('chat', { withModels: true });
    const { rows } = await api.db.pool.query<{ id: string; language: string }>('SELECT id, language FROM customers ORDER BY id');
    customers = Object.fromEntries(rows.map((r) => [r.language, Number(r.id)]));
    // The nlu model learnt the generated catalogue's codes (as train-nlu learns the booking system's); the small
    // sample catalogue calls Titicaca 'puno', so it is given the same code here.
    await api.db.pool.query(`UPDATE destinations SET code = 'puno-titicaca' WHERE code = 'puno'`);
  });
  after(async () => api?.close());

  it('holds a Spanish conversation over four messages that ends in a quotation in PostgreSQL', async () => {
    const session = 'wa-51987654321-1';
    const hello = await say(session, 'Hola buenas tardes', { customerId: customers.en });
    assert.equal(hello.status, 200, hello.text);
    assert.equal(hello.body.intent, 'greeting');
    assert.deepEqual(hello.body.missing, ['destination', 'dates', 'party_size']);
    assert.equal(hello.body.quotation, null);

    const where = await say(session, 'quisiera cotizar un viaje a machu picchu');
    assert.equal(where.status, 200, where.text);
    assert.equal(where.body.intent, 'quotation_request');
    assert.equal(where.body.language, 'es');
    assert.equal(where.body.context.destinationCode, 'cusco');
    assert.deepEqual(where.body.missing, ['dates', 'party_size']);
    assert.equal(where.body.reply, '¿En qué fechas piensa viajar?');

    const when = await say(session, 'el 14 de julio');
    assert.equal(when.status, 200, when.text);
    assert.equal(when.body.context.destinationCode, 'cusco', 'the destination carries over');
    assert.equal(when.body.context.date_from, `${YEAR}-07-14`);
    assert.deepEqual(when.body.missing, ['party_size']);
    assert.equal(when.body.reply, '¿Cuántas personas viajan, contando a los niños?');
    assert.equal(when.body.quotation, null);

    const who = await say(session, 'seriamos 4 personas');
    assert.equal(who.status, 200, who.text);
    assert.deepEqual(who.body.missing, []);
    assert.equal(who.body.context.party_size, 4);
    const quotation = who.body.quotation;
    assert.ok(quotation, who.text);
    assert.equal(who.body.itineraries[0].code, 'mp-4d');
    assert.equal(quotation.partySize, 4);
    assert.equal(quotation.departureDate, `${YEAR}-07-14`);
    assert.ok(quotation.priceTotal > 0);
    assert.match(who.body.reply, new RegExp(`cotización N\\.º ${quotation.quotationId}`));
    const { rows } = await api.db.pool.query(
      `SELECT q.customer_id, q.party_size, q.departure_date::text AS departure_date, i.code, q.price_total::float8 AS price_total
         FROM quotations q JOIN itineraries i ON i.id = q.itinerary_id WHERE q.id = $1`,
      [quotation.quotationId],
    );
    assert.deepEqual(rows, [{ customer_id: String(customers.en), party_size: 4, departure_date: `${YEAR}-07-14`, code: 'mp-4d', price_total: rows[0]?.price_total }]);
    assert.equal(rows[0].price_total, quotation.priceTotal, 'the price answered is the quotation\'s');
    assert.ok(rows[0].price_total > 0);

    // A thank-you after the quotation does not make a second one.
    const thanks = await say(session, 'gracias!');
    assert.equal(thanks.status, 200, thanks.text);
    assert.equal(thanks.body.quotation, null);
    const count = await api.db.pool.query('SELECT count(*)::int AS n FROM quotations WHERE customer_id = $1', [customers.en]);
    assert.equal(count.rows[0].n, 1);
  });

  it('holds an English conversation that ends in a quotation, changing its mind on the way', async () => {
    const session = 'web-7f3a';
    const first = await say(session, 'Hi! how much would Lake Titicaca be for 3 people?', { customerId: customers.de });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.language, 'en');
    assert.equal(first.body.context.destinationCode, 'puno-titicaca');
    assert.equal(first.body.context.party_size, 3);
    assert.deepEqual(first.body.missing, ['dates']);
    assert.equal(first.body.reply, 'Which dates are you thinking of travelling?');

    const fewer = await say(session, 'sorry, actually we are 2 people');
    assert.equal(fewer.status, 200, fewer.text);
    assert.equal(fewer.body.context.party_size, 2, 'a later message overrides');
    assert.equal(fewer.body.quotation, null);

    const dates = await say(session, 'on September 2nd please');
    assert.equal(dates.status, 200, dates.text);
    assert.equal(dates.body.context.date_from, `${YEAR}-09-02`);
    const quotation = dates.body.quotation;
    assert.ok(quotation, dates.text);
    assert.match(dates.body.reply, new RegExp(`quotation no\\. ${quotation.quotationId}`));
    const { rows } = await api.db.pool.query('SELECT customer_id, party_size, departure_date::text AS departure_date FROM quotations WHERE id = $1', [quotation.quotationId]);
    assert.deepEqual(rows, [{ customer_id: String(customers.de), party_size: 2, departure_date: `${YEAR}-09-02` }]);
    const audit = await api.db.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'quotation.create' AND target = $1`, [`quotation:${quotation.quotationId}`]);
    assert.equal(audit.rows[0].n, 1, 'the engine audited the quotation');
  });

  it('quotes at once from one message with every entity kind, and keeps budget and service level in the context', async () => {
    const text = 'Hola! quiero cotizar machu pichu para mis papás y yo, 4 noches desde el 14 de julio, presupuesto 2 mil dólares, hotel de lujo 😊';
    const answer = await say('every-entity', text, { customerId: customers.ja });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.body.context, {
      destination: 'Cusco & Machu Picchu',
      destinationCode: 'cusco',
      date_from: `${YEAR}-07-14`,
      date_to: `${YEAR}-07-18`,
      party_size: 3,
      budget: { amount: 2000, currency: 'USD' },
      service_level: 'luxury',
    });
    assert.equal(answer.body.tone, 'positive');
    assert.equal(answer.body.quotation?.partySize, 3, answer.text);
    const { rows } = await api.db.pool.query('SELECT party_size, departure_date::text AS departure_date FROM quotations WHERE id = $1', [answer.body.quotation.quotationId]);
    assert.deepEqual(rows, [{ party_size: 3, departure_date: `${YEAR}-07-14` }]);
  });

  it('quotes a trip asked for in words the classifier takes for a booking, a complaint or a cancellation (found by a review)', async () => {
    // "reservar" a tour not yet quoted: nothing can be booked before it is quoted.
    const booked = await say('asked-1', 'Quiero reservar un tour a Cusco para 3 personas el 20 de julio', { customerId: customers.en });
    assert.equal(booked.status, 200, booked.text);
    assert.equal(booked.body.quotation?.partySize, 3, booked.text);
    // A wish to go, then what was missing.
    const wish = await say('asked-2', 'I want to go to Cusco', { customerId: customers.en });
    assert.equal(wish.status, 200, wish.text);
    assert.doesNotMatch(wish.body.reply, /booking reference|what happened/i, wish.text);
    const details = await say('asked-2', 'we are 2, on July 20', { customerId: customers.en });
    assert.equal(details.body.quotation?.partySize, 2, details.text);
    // A quote asked for after the details.
    const please = await say('asked-3', 'quiero que me coticen Cusco para 2 el 20 de julio', { customerId: customers.en });
    assert.ok(please.body.quotation !== null, please.text);
    // A day already past is said to be past and asked again, in the customer's language, not sent to the engine.
    const past = await say('asked-5', `quiero ir a Cusco para 2 el 15/07/${YEAR - 2}`, { customerId: customers.en });
    assert.equal(past.body.quotation, null, past.text);
    assert.equal(past.body.reply, `El ${YEAR - 2}-07-15 ya pasó. ¿En qué fechas piensa viajar?`);
    assert.deepEqual(past.body.missing, ['dates']);
    // Cancelling a booking held is not a trip asked for.
    const cancel = await say('asked-4', 'quiero cancelar mi reserva a Cusco del 20 de julio', { customerId: customers.en });
    assert.equal(cancel.body.quotation, null, cancel.text);
  });

  it('apologises first to an upset customer, and lets a support message change the subject', async () => {
    const request = await say('upset-1', 'quisiera cotizar un viaje a machu picchu');
    assert.equal(request.body.reply, '¿En qué fechas piensa viajar?');
    const support = await say('upset-1', 'el guía nunca llegó, estamos esperando en el hotel');
    assert.equal(support.status, 200, support.text);
    assert.equal(support.body.intent, 'support');
    assert.doesNotMatch(support.body.reply, /fechas/, 'not asked for dates while reporting a problem');
    assert.equal(support.body.context.destinationCode, 'cusco', 'the quote request is still remembered');
    const upset = await say('upset-2', 'nobody answers me, terrible service. I need a price for Cusco!!');
    assert.equal(upset.status, 200, upset.text);
    assert.equal(upset.body.tone, 'negative');
    assert.match(upset.body.reply, /^We are very sorry for the trouble\. \S/);
  });

  it('asks the recommender only for customers who consent to personalisation', async () => {
    const withheld = Number((await api.db.pool.query('INSERT INTO customers (name, country, language, consent_personalisation) VALUES ($1, $2, $3, false) RETURNING id', ['Private', 'PE', 'es'])).rows[0].id);
    const consenting = Number((await api.db.pool.query('INSERT INTO customers (name, country, language) VALUES ($1, $2, $3) RETURNING id', ['Open', 'PE', 'es'])).rows[0].id);
    const message = 'quisiera cotizar machu picchu para 2 personas el 14 de julio';
    const privateAnswer = await say('consent-no', message, { customerId: withheld });
    const openAnswer = await say('consent-yes', message, { customerId: consenting });
    assert.ok(privateAnswer.body.quotation && openAnswer.body.quotation, `${privateAnswer.text} ${openAnswer.text}`);
    const asked = async (customerId: number) => {
      const result = await api.deps.clickhouse.query({ query: `SELECT count() AS n FROM scored_requests WHERE family = 'recommender' AND customer_id = {id:UInt64}`, query_params: { id: customerId }, format: 'JSONEachRow' });
      return Number((await result.json<{ n: string }>())[0].n);
    };
    // The API's request log is written every second: wait for the consenting customer's call to show.
    for (let i = 0; i < 50 && (await asked(consenting)) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await asked(consenting), 1, 'the consenting customer was recommended for');
    assert.equal(await asked(withheld), 0, 'no personalised call for a customer who withheld consent');
  });

  it('keeps sessions apart and proposes without quoting when the customer is unknown to the front end', async () => {
    const a = await say('anon-1', 'quiero cotizar Titicaca para 2 personas el 2 de septiembre');
    assert.equal(a.status, 200, a.text);
    assert.deepEqual(a.body.missing, []);
    assert.equal(a.body.quotation, null);
    assert.deepEqual(a.body.itineraries.map((i: { code: string }) => i.code), ['tt-3d']);
    const b = await say('anon-2', 'para 5 personas');
    assert.equal(b.body.context.destinationCode, null, 'another session knows nothing of the first');
  });

  it('reads party sizes and budgets written in words, in Spanish and English (past twenty they were not read)', async () => {
    const es = await say('words-es', 'quisiera cotizar Cusco para el 14 de julio, somos veintidós, presupuesto de mil quinientos dólares por persona');
    assert.equal(es.status, 200, es.text);
    assert.equal(es.body.context.party_size, 22);
    assert.deepEqual(es.body.context.budget, { amount: 1500, currency: 'USD', per: 'person' });
    assert.equal(es.body.context.date_from, `${YEAR}-07-14`);
    assert.deepEqual(es.body.missing, []);
    const en = await say('words-en', 'Quote for Lake Titicaca on September 2nd, twenty-five people, around two thousand five hundred dollars in total');
    assert.equal(en.status, 200, en.text);
    assert.equal(en.body.context.party_size, 25);
    assert.deepEqual(en.body.context.budget, { amount: 2500, currency: 'USD', per: 'party' });
    // A day of the month in words is no party size: the party is still asked for.
    const date = await say('words-date', 'quisiera cotizar Cusco para el dos de mayo');
    assert.equal(date.body.context.party_size, null, date.text);
    assert.ok(date.body.missing.includes('party_size'), date.text);
  });

  it('refuses bad input with a 400 naming the field, and never answers 500', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ sessionId: 's1', text: '' }, 'text'],
      [{ sessionId: 's1', text: '  \n ' }, 'text'],
      [{ sessionId: 's1', text: 'a'.repeat(10_241) }, 'text'],
      [{ sessionId: 's1', text: 'é'.repeat(6000) }, 'text'],
      [{ sessionId: 's1', text: 'hola\u0000' }, 'text'],
      [{ sessionId: 's1', text: 'PK\u0003\u0004\u0014\u0000binary' }, 'text'],
      [{ sessionId: 's1' }, 'text'],
      [{ text: 'hola' }, 'sessionId'],
      [{ sessionId: '', text: 'hola' }, 'sessionId'],
      [{ sessionId: 'a b', text: 'hola' }, 'sessionId'],
      [{ sessionId: 'x'.repeat(129), text: 'hola' }, 'sessionId'],
      [{ sessionId: 's1', text: 'hola', customerId: 0 }, 'customerId'],
      [{ sessionId: 's1', text: 'hola', customerId: '1' }, 'customerId'],
      [{ sessionId: 's1', text: 'hola', today: 'mañana' }, 'today'],
      [{ sessionId: 's1', text: 'cusco el 15 de julio para 2', today: '9999-12-31' }, 'today'],
      [{ sessionId: 's1', text: 'hola', lang: 'es' }, 'lang'],
    ];
    for (const [body, field] of cases) {
      const response = await api.http.call('POST', '/v1/chat/messages', { key: api.keys['quotation-engine'], body });
      assert.equal(response.status, 400, `${JSON.stringify(body).slice(0, 60)}: ${response.text}`);
      assert.equal(response.body.field, field, response.text);
    }
    const unknown = await say('s2', 'hola', { customerId: 999_999 });
    assert.equal(unknown.status, 404, unknown.text);
    assert.equal(unknown.body.field, 'customerId');
    await say('s3', 'hola', { customerId: customers.en });
    const other = await say('s3', 'hola', { customerId: customers.ja });
    assert.equal(other.status, 400, other.text);
    assert.equal(other.body.field, 'customerId');
  });

  it('answers another language politely as general and keeps nothing of it', async () => {
    const session = 'fr-1';
    await say(session, 'quiero ir a machu picchu');
    for (const text of ['Bonjour, je voudrais réserver un voyage pour nous deux à Puno', '你好，我想去马丘比丘', '🙂🙂🙂']) {
      const response = await say(session, text);
      assert.equal(response.status, 200, response.text);
      assert.equal(response.body.intent, 'general', text);
      assert.equal(response.body.understood, false);
      assert.match(response.body.reply, /español o en inglés.*Spanish or English/);
      assert.equal(response.body.context.destinationCode, 'cusco', 'the context is untouched');
      assert.equal(response.body.context.party_size, null);
    }
  });

  it('answers the quotation engine and admins only, and is documented', async () => {
    const body = { sessionId: 'roles', text: 'hola' };
    assert.equal((await api.http.call('POST', '/v1/chat/messages', { key: api.keys.admin, body })).status, 200);
    assert.equal((await api.http.call('POST', '/v1/chat/messages', { key: api.keys.analyst, body })).status, 403);
    assert.equal((await api.http.call('POST', '/v1/chat/messages', { key: api.keys['pricing-manager'], body })).status, 403);
    assert.equal((await api.http.call('POST', '/v1/chat/messages', { body })).status, 401);
    const docs = await api.http.call('GET', '/docs/json');
    const operation = docs.body.paths['/v1/chat/messages']?.post;
    assert.ok(operation, 'documented');
    assert.deepEqual(operation.requestBody.content['application/json'].schema.required, ['sessionId', 'text']);
  });

  it('stores sessions and messages, keeping text only for customers who consent, and purges past retention', async () => {
    const pool = api.db.pool;
    const withheld = (await pool.query('INSERT INTO customers (name, country, language, consent_personalisation) VALUES ($1, $2, $3, false) RETURNING id', ['No consent', 'PE', 'es'])).rows[0].id;
    await say('wa-51999000111', 'quisiera cotizar un viaje a machu picchu', { customerId: customers.en });
    await say('wa-51999000222', 'quisiera cotizar un viaje a machu picchu', { customerId: Number(withheld) });
    await say('wa-51999000333', 'quisiera cotizar un viaje a machu picchu');
    const rows = async (sessionId: string) =>
      (await pool.query(`SELECT m.text, m.text_withheld, m.intent, m.entities->>'destinationCode' AS destination, m.customer_id FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id WHERE s.session_hash = $1`, [sessionHash(sessionId)])).rows;
    assert.deepEqual(await rows('wa-51999000111'), [{ text: 'quisiera cotizar un viaje a machu picchu', text_withheld: false, intent: 'quotation_request', destination: 'cusco', customer_id: String(customers.en) }]);
    assert.deepEqual(await rows('wa-51999000222'), [{ text: null, text_withheld: true, intent: 'quotation_request', destination: 'cusco', customer_id: String(withheld) }]);
    assert.deepEqual(await rows('wa-51999000333'), [{ text: null, text_withheld: true, intent: 'quotation_request', destination: 'cusco', customer_id: null }]);
    const raw = await pool.query(`SELECT count(*)::int AS n FROM chat_sessions WHERE session_hash LIKE '%51999000%'`);
    assert.equal(raw.rows[0].n, 0, 'the phone number in a session id is not stored');
    const spanish = await pool.query<{ messages: number }>('SELECT messages FROM chat_sessions WHERE session_hash = $1', [sessionHash('wa-51987654321-1')]);
    assert.equal(spanish.rows[0].messages, 5, 'every message of the first conversation');
    const askedInWords = ['asked-1', 'asked-2', 'asked-3', 'asked-4', 'asked-5'].map(sessionHash);
    const quoted = await pool.query('SELECT count(*)::int AS n FROM chat_messages WHERE quotation_id IS NOT NULL AND session_id NOT IN (SELECT id FROM chat_sessions WHERE session_hash = ANY($1))', [askedInWords]);
    assert.equal(quoted.rows[0].n, 5, 'the conversations that ended in a quotation');
    // A consenting customer's contact details and document numbers are masked in what is kept (found by a review:
    // an analyst key read a passport number through the warehouse).
    await say('wa-51999000444', 'mi correo es maria.pii2@gmail.com, cel 987 654 322, pasaporte PE7788992, cusco para 2 el 20/07', { customerId: customers.en });
    const [kept] = await rows('wa-51999000444');
    assert.equal(kept.text, 'mi correo es [email], cel [phone], pasaporte [document], cusco para 2 el 20/07');

    // Erasure blanks a consenting customer's texts.
    const erase = BOOKING_SYSTEM_ERASURE.find((step) => step.table === 'chat_messages')!;
    await pool.query(erase.sql, [customers.en]);
    assert.equal((await rows('wa-51999000111'))[0].text, null);

    // Retention: an old message goes, and its session with it when nothing else is left.
    await pool.query(`UPDATE chat_messages SET created_at = now() - interval '200 days' WHERE session_id = (SELECT id FROM chat_sessions WHERE session_hash = $1)`, [sessionHash('wa-51999000333')]);
    const before = (await pool.query('SELECT count(*)::int AS n FROM chat_messages')).rows[0].n;
    assert.equal(await purgeChatHistory(pool), 1);
    assert.equal((await pool.query('SELECT count(*)::int AS n FROM chat_messages')).rows[0].n, before - 1);
    assert.deepEqual(await rows('wa-51999000333'), []);
    assert.equal((await pool.query('SELECT count(*)::int AS n FROM chat_sessions WHERE session_hash = $1', [sessionHash('wa-51999000333')])).rows[0].n, 0);
  });
});
