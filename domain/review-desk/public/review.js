// The pricing managers' review page: sign in with an API key, work through the queue of price suggestions,
// decide each one. Plain DOM, no framework; every value from the API is written with textContent, never as HTML.
const KEY_STORAGE = 'spirit-review-key';
const PAGE_SIZE = 50;

const $ = (id) => document.getElementById(id);
const state = { key: null, filters: {}, offset: 0, total: 0, items: [], selected: -1, detail: null, loading: false, deciding: false };

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
    this.field = body && body.field;
  }
}

async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, {
      ...options,
      headers: { accept: 'application/json', 'x-api-key': state.key, ...(options.body ? { 'content-type': 'application/json' } : {}) },
    });
  } catch {
    throw new ApiError(0, { code: 'unreachable', message: 'The API cannot be reached. Check your connection and try again.' });
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { message: text.slice(0, 200) };
  }
  if (!response.ok) {
    const error = new ApiError(response.status, body);
    if (response.status === 401) signOut('Your key was not accepted (unknown, revoked or expired). Sign in again.');
    throw error;
  }
  return body;
}

// ---- formatting -------------------------------------------------------------------------------------------
const moneyFormats = new Map();
// Whole units in the queue, where they are compared at a glance; cents where a price is set or recorded.
function money(value, currency = 'USD', signed = false, cents = false) {
  if (value === null || value === undefined) return '—';
  const key = `${currency}:${cents}`;
  if (!moneyFormats.has(key)) moneyFormats.set(key, new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0 }));
  const text = moneyFormats.get(key).format(Math.abs(value));
  return signed ? `${value > 0 ? '+' : value < 0 ? '−' : '±'}${text}` : value < 0 ? `−${text}` : text;
}
const pct = (value) => `${value > 0 ? '+' : value < 0 ? '−' : '±'}${Math.abs(value).toFixed(1)}%`;
const ratio = (value) => (value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`);
const pace = (value) => (value === null || value === undefined ? '—' : `${value.toFixed(2)}×`);
// Moments in the same style as days ("6 Dec 2026, 04:23 (Lima)"), in Lima's time, where the desk works, and saying
// so: the browser's own zone, unnamed, showed a manager abroad other times than the office and the API's logs.
const LIMA = 'America/Lima';
const moment = (iso) => `${new Date(iso).toLocaleString('en-GB', { timeZone: LIMA, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' })} (Lima)`;
/** The calendar day in Lima at an instant, as YYYY-MM-DD. */
function limaDay(at) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: LIMA, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
const day = (iso) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const STATE_LABELS = { accepted: 'Accepted', auto_accepted: 'Accepted automatically (inside its band)', overridden: 'Overridden', rejected: 'Rejected', superseded: 'Superseded' };
const GUARDRAILS = {
  floor: 'Margin floor: the model’s price was under our cost plus the least margin, so it was raised.',
  ceiling: 'Ceiling: the model’s price was above the highest allowed price, so it was lowered.',
  max_change: 'Max change: the model’s price moved too far from the current price, so the move was limited.',
};

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role' || k === 'tabindex' || k === 'title') node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function showStatus(target, message, { error = false, retry } = {}) {
  target.replaceChildren();
  target.classList.toggle('error', error);
  if (!message) return;
  target.append(message);
  if (retry) {
    const button = el('button', { type: 'button', class: 'retry', text: 'Retry' });
    button.addEventListener('click', retry);
    target.append(button);
  }
}

// ---- sign in ----------------------------------------------------------------------------------------------
async function signIn(key) {
  state.key = key;
  const me = await api('/v1/review/me');
  sessionStorage.setItem(KEY_STORAGE, key);
  // A key is often named after its role already ("npm start (pricing-manager)"): the role is not said twice.
  $('who-name').textContent = me.name.endsWith(`(${me.role})`) ? me.name : `${me.name} (${me.role})`;
  $('who').hidden = false;
  $('sign-in').hidden = true;
  $('desk').hidden = false;
  loadDestinations();
  loadAcceptance();
  await loadQueue();
  focusRow(0);
}

function signOut(message) {
  sessionStorage.removeItem(KEY_STORAGE);
  state.key = null;
  $('who').hidden = true;
  $('desk').hidden = true;
  $('sign-in').hidden = false;
  closeDetail(false);
  const error = $('sign-in-error');
  error.hidden = !message;
  error.textContent = message || '';
  $('api-key').value = '';
  $('api-key').focus();
}

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = $('api-key').value.trim();
  const error = $('sign-in-error');
  if (!key) {
    error.hidden = false;
    error.textContent = 'Enter your API key.';
    return;
  }
  error.hidden = true;
  const button = event.submitter || $('sign-in-form').querySelector('button');
  button.disabled = true;
  try {
    await signIn(key);
  } catch (err) {
    state.key = null;
    error.hidden = false;
    error.textContent =
      err.status === 403 ? `This key cannot review prices: ${err.message}` : err.status === 401 ? 'That key is not valid (unknown or revoked).' : err.message;
  } finally {
    button.disabled = false;
  }
});
$('sign-out').addEventListener('click', () => signOut());
// Served disabled, so that Enter before this script has run submits nothing natively (see index.html).
$('sign-in-button').disabled = false;

// ---- queue ------------------------------------------------------------------------------------------------
async function loadDestinations() {
  try {
    const destinations = await api('/v1/review/destinations');
    const select = $('f-destination');
    select.replaceChildren(el('option', { value: '', text: 'All destinations' }), ...destinations.map((d) => el('option', { value: d.code, text: d.name })));
    select.value = state.filters.destination || '';
  } catch {
    // The filter still works without names: the queue shows the destination of each row.
  }
}

function queueQuery() {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(state.offset) });
  for (const [k, v] of Object.entries(state.filters)) if (v !== '' && v !== undefined) params.set(k, v);
  return params.toString();
}

async function loadQueue() {
  const status = $('queue-status');
  const table = $('queue');
  state.loading = true;
  table.setAttribute('aria-busy', 'true');
  showStatus(status, 'Loading suggestions…');
  try {
    const page = await api(`/v1/review/suggestions?${queueQuery()}`);
    state.items = page.items;
    state.total = page.total;
    renderQueue();
    showStatus(status, page.total === 0 ? 'Nothing to review: no pending suggestion matches these filters.' : '');
  } catch (err) {
    if (err.status === 401) return;
    state.items = [];
    renderQueue();
    showStatus(status, err.status === 400 ? `Check the filters: ${err.message}` : `Could not load the queue: ${err.message}`, { error: true, retry: loadQueue });
  } finally {
    state.loading = false;
    table.removeAttribute('aria-busy');
  }
}

function renderQueue() {
  const rows = state.items.map((item, index) => {
    const change = item.difference > 0 ? 'up' : item.difference < 0 ? 'down' : '';
    const flags = el('td');
    if (item.guardrail) flags.append(el('span', { class: 'badge', text: item.guardrail.replace('_', ' '), title: GUARDRAILS[item.guardrail] }));
    if (item.locked) flags.append(el('span', { class: 'badge lock', text: 'locked', title: 'A price lock holds this quotation' }));
    const row = el(
      'tr',
      { 'data-id': String(item.id), 'data-index': String(index), tabindex: '-1', 'aria-selected': 'false' },
      el('td', {}, el('span', { text: day(item.departureDate) })),
      el('td', { class: 'itinerary' }, el('span', { text: item.itinerary.name }), el('span', { class: 'sub', text: `${item.destination.name} · ${item.serviceLevel} · Q${item.quotationId}` })),
      el('td', { class: 'num', text: String(item.partySize) }),
      el('td', { class: 'num', text: money(item.currentPrice, item.currency) }),
      el('td', { class: 'num', text: money(item.suggestedPrice, item.currency) }),
      el('td', { class: `num ${change}` }, el('span', { text: money(item.difference, item.currency, true) }), el('span', { class: 'sub', text: pct(item.changePct) })),
      el('td', { class: 'num', text: `${money(item.lo80, item.currency)}–${money(item.hi80, item.currency)}` }),
      el('td', { class: 'num', text: ratio(item.loadFactor), title: 'Expected load factor of the departure' }),
      el('td', { class: 'num', text: pace(item.pace), title: 'Bookings vs last year at the same lead time' }),
      flags,
    );
    return row;
  });
  $('queue-rows').replaceChildren(...rows);
  $('queue').hidden = rows.length === 0;
  $('queue-count').textContent = state.total ? `(${state.total})` : '';
  // Rows, not page numbers: a decision takes its row off the list, so the next page starts wherever the rows
  // still listed end, not on a multiple of PAGE_SIZE.
  const end = state.offset + rows.length;
  $('pager').hidden = state.offset === 0 && end >= state.total;
  $('page-info').textContent = rows.length ? `${state.offset + 1}–${end} of ${state.total}` : '';
  $('prev-page').disabled = state.offset === 0;
  $('next-page').disabled = end >= state.total;
  if (state.selected >= rows.length) state.selected = rows.length - 1;
  markSelected();
}

function markSelected() {
  for (const row of $('queue-rows').children) {
    const selected = Number(row.dataset.index) === state.selected;
    row.setAttribute('aria-selected', String(selected));
    row.tabIndex = selected ? 0 : -1;
  }
}

function focusRow(index) {
  const rows = $('queue-rows').children;
  if (rows.length === 0) return;
  state.selected = Math.max(0, Math.min(rows.length - 1, index));
  markSelected();
  rows[state.selected].focus();
}

$('queue-rows').addEventListener('click', (event) => {
  const row = event.target.closest('tr');
  if (!row) return;
  focusRow(Number(row.dataset.index));
  openDetail(Number(row.dataset.id));
});

$('queue-rows').addEventListener('keydown', (event) => {
  if (event.key === 'ArrowDown' || event.key === 'j') {
    event.preventDefault();
    focusRow(state.selected + 1);
  } else if (event.key === 'ArrowUp' || event.key === 'k') {
    event.preventDefault();
    focusRow(state.selected - 1);
  } else if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    const item = state.items[state.selected];
    if (item) openDetail(item.id);
  }
});

$('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData($('filters'));
  state.filters = Object.fromEntries([...form.entries()].filter(([, v]) => v !== ''));
  state.offset = 0;
  state.selected = 0;
  closeDetail(false);
  loadQueue();
});
$('filters').addEventListener('reset', () => {
  state.filters = {};
  state.offset = 0;
  closeDetail(false);
  setTimeout(loadQueue);
});
$('prev-page').addEventListener('click', () => {
  state.offset = Math.max(0, state.offset - PAGE_SIZE);
  loadQueue();
});
$('next-page').addEventListener('click', () => {
  // After the rows still listed: each decision on this page moved the later suggestions up by one, so adding
  // PAGE_SIZE skipped as many suggestions as were decided.
  state.offset += state.items.length;
  loadQueue();
});

// ---- one suggestion ---------------------------------------------------------------------------------------
/**
 * Loads and shows one suggestion; resolves to it (null when it could not be loaded). `notice` is an error to show
 * once it is rendered: rendering resets the decision form, so a message shown before would be wiped.
 */
async function openDetail(id, notice = '') {
  const panel = $('detail');
  panel.hidden = false;
  panel.setAttribute('aria-busy', 'true');
  $('detail-title').textContent = `Suggestion ${id}`;
  showStatus($('detail-status'), 'Loading the suggestion…');
  try {
    const detail = await api(`/v1/review/suggestions/${id}`);
    state.detail = detail;
    renderDetail(detail);
    showStatus($('detail-status'), notice, { error: Boolean(notice) });
    panel.focus();
    return detail;
  } catch (err) {
    if (err.status === 401) return null;
    showStatus($('detail-status'), `${notice ? `${notice} ` : ''}Could not load suggestion ${id}: ${err.message}`, { error: true, retry: () => openDetail(id, notice) });
    return null;
  } finally {
    panel.removeAttribute('aria-busy');
  }
}

function closeDetail(refocus = true) {
  state.detail = null;
  $('detail').hidden = true;
  if (refocus) focusRow(state.selected);
}
$('close-detail').addEventListener('click', () => closeDetail());

function renderRange(d) {
  const low = Math.min(d.lo80, d.currentPrice, d.suggestedPrice);
  const high = Math.max(d.hi80, d.currentPrice, d.suggestedPrice);
  const pad = (high - low) * 0.08 || 1;
  const at = (v) => `${(((v - (low - pad)) / (high - low + 2 * pad)) * 100).toFixed(2)}%`;
  const interval = el('div', { class: 'interval' });
  interval.style.left = at(d.lo80);
  interval.style.width = `calc(${at(d.hi80)} - ${at(d.lo80)})`;
  const current = el('div', { class: 'mark current', title: `Current ${money(d.currentPrice, d.currency)}` });
  current.style.left = at(d.currentPrice);
  const suggested = el('div', { class: 'mark suggested', title: `Suggested ${money(d.suggestedPrice, d.currency)}` });
  suggested.style.left = at(d.suggestedPrice);
  $('range-track').replaceChildren(interval, current, suggested);
  $('range-track').setAttribute('role', 'img');
  $('range-track').setAttribute('aria-label', `80% range ${money(d.lo80, d.currency)} to ${money(d.hi80, d.currency)}; current price ${money(d.currentPrice, d.currency)}; suggested ${money(d.suggestedPrice, d.currency)}`);
  $('range-caption').textContent = `80% range ${money(d.lo80, d.currency)}–${money(d.hi80, d.currency)} · black: current price · blue: suggested`;
}

function renderContributions(d) {
  const reasons = d.reasonCodes.length ? d.reasonCodes : Object.entries(d.contributions).map(([feature, amount]) => ({ feature, amount, text: feature.replace(/_/g, ' ') }));
  const largest = Math.max(1, ...reasons.map((r) => Math.abs(r.amount)));
  $('contributions').replaceChildren(
    ...reasons.map((r) => {
      const fill = el('div', { class: `fill ${r.amount >= 0 ? 'up' : 'down'}` });
      const half = (Math.abs(r.amount) / largest) * 50;
      fill.style.width = `${half}%`;
      fill.style.left = r.amount >= 0 ? '50%' : `${50 - half}%`;
      // The text already leads with the amount ("+USD 42: …"); the reader gets it once.
      const text = r.text.replace(/^[+−-]?[A-Z]{3} [\d,.]+:\s*/, '');
      return el(
        'li',
        { 'aria-label': `${money(r.amount, d.currency, true)}: ${text}` },
        el('span', { class: 'text', text }),
        el('span', { class: `amount ${r.amount >= 0 ? 'up' : 'down'}`, text: money(r.amount, d.currency, true) }),
        el('div', { class: 'bar', 'aria-hidden': 'true' }, fill),
      );
    }),
  );
}

/** The room the guardrail rule left this quotation, and which rule (of which version) it was. */
function renderLimits(d) {
  const limits = $('d-limits');
  const g = d.guardrails;
  limits.hidden = !g;
  if (!g) return;
  const scope = g.destinationId === null && g.serviceLevel === null ? 'the default rule' : `the rule for ${g.destinationId === null ? 'every destination' : d.destination.name}, ${g.serviceLevel ?? 'every level'}`;
  const parts = [`floor ${money(g.floor, d.currency)}`, g.ceiling === null ? 'no ceiling' : `ceiling ${money(g.ceiling, d.currency)}`];
  if (g.listBand) parts.push(`list price band ${money(g.listBand.lo, d.currency)}–${money(g.listBand.hi, d.currency)}`);
  limits.textContent = `Guardrails: ${parts.join(' · ')} — ${scope} (rule ${g.ruleId}, guardrails version ${g.version})`;
}

function renderDetail(d) {
  $('detail-title').textContent = `${d.itinerary.name}`;
  $('detail-sub').textContent = `${d.destination.name} · departs ${day(d.departureDate)} · ${d.partySize} pax · ${d.serviceLevel} · quotation ${d.quotationId} (version ${d.quotationVersion})`;
  $('d-current').textContent = money(d.currentPrice, d.currency, false, true);
  $('d-suggested').textContent = money(d.suggestedPrice, d.currency, false, true);
  $('d-difference').textContent = `${money(d.difference, d.currency, true, true)} (${pct(d.changePct)})`;
  $('d-difference').className = d.difference > 0 ? 'up' : d.difference < 0 ? 'down' : '';
  $('d-cost').textContent = money(d.costTotal, d.currency, false, true);
  renderRange(d);
  $('d-demand').textContent = `Departure demand: expected load factor ${ratio(d.loadFactor)}, booking pace ${pace(d.pace)} last year’s${d.segment ? ` · customer segment: ${d.segment}` : ''}`;
  renderLimits(d);
  const guardrail = $('d-guardrail');
  guardrail.hidden = !d.guardrail;
  if (d.guardrail) {
    guardrail.replaceChildren(
      el('strong', { text: 'Guardrail fired. ' }),
      GUARDRAILS[d.guardrail] || d.guardrail,
      d.unclampedPrice !== null ? ` The model said ${money(d.unclampedPrice, d.currency)}; the suggestion is ${money(d.suggestedPrice, d.currency)}.` : '',
    );
  }
  const lock = $('d-lock');
  lock.hidden = !d.lock;
  if (d.lock) lock.textContent = `Price locked by ${d.lock.lockedBy} since ${moment(d.lock.lockedAt)}: ${d.lock.reason}. It can only be rejected until the lock is released.`;
  renderContributions(d);
  $('d-model').textContent = `Model version ${d.modelVersion}${d.defaultedFeatures.length ? ` · features defaulted: ${d.defaultedFeatures.join(', ')}` : ''}`;

  const decided = $('decided');
  const form = $('decision-form');
  if (d.state !== 'pending') {
    decided.hidden = false;
    decided.textContent = d.decision
      ? `${STATE_LABELS[d.state] ?? d.state} by ${d.decision.decidedBy} on ${moment(d.decision.decidedAt)} at ${money(d.decision.decidedPrice, d.currency, false, true)}${BELOW_LABELS[d.decision.belowGuardrail] ?? ''}${ABOVE_LABELS[d.decision.aboveGuardrail] ?? ''}${d.decision.reason ? ` — “${d.decision.reason}”` : ''}.`
      : `This suggestion was ${d.state}.`;
    form.hidden = true;
  } else {
    decided.hidden = true;
    form.hidden = false;
    form.reset();
    for (const input of form.querySelectorAll('input[name="action"]')) input.disabled = d.locked && input.value !== 'reject';
    $('override-price').value = String(d.suggestedPrice);
    checkOverridePrice();
    chooseAction(null);
  }
}

// ---- decisions --------------------------------------------------------------------------------------------
/** Takes a decided suggestion off the listed page; its index there, or -1. */
function dropFromQueue(id) {
  const index = state.items.findIndex((i) => i.id === id);
  if (index >= 0) {
    state.items.splice(index, 1);
    state.total -= 1;
  }
  renderQueue();
  return index;
}

const BELOW_LABELS = { floor: ' (below the guardrail floor, confirmed)', cost: ' (below cost, confirmed)', list_band: ' (below the list price band, confirmed)' };
const ABOVE_LABELS = { ceiling: ' (above the guardrail ceiling, confirmed)', list_band: ' (above the list price band, confirmed)', highest_expected: ' (above the highest expected price, confirmed)' };

/**
 * The override price as typed, read strictly: digits, with a point and at most two decimals for cents. Anything else
 * is refused, never guessed: "2150,50" is a decimal comma to one reader and a thousands separator to another (a number
 * input in a Spanish-locale browser made it 215050), so the manager is asked to write it with a point.
 */
function parsePrice(text) {
  if (!text) return { blocking: 'Enter a price above 0 for the whole party.' };
  if (/^\d+\.\d{3,}$/.test(text)) return { blocking: 'A price has at most two decimals (cents); it is not rounded for you.' };
  if (text.includes(',')) {
    // The example is what they probably meant: "2150,50" → 2150.50, "2,150.50" → 2150.50.
    const example = /^\d+,\d{1,2}$/.test(text) ? text.replace(',', '.') : /^\d{1,3}(,\d{3})+(\.\d{1,2})?$/.test(text) ? text.replace(/,/g, '') : '2150.50';
    return { blocking: `Write cents with a point and no thousands separators: ${example}` };
  }
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return { blocking: 'Write the price in digits only, cents with a point: 2150.50' };
  const price = Number(text);
  if (!(price > 0)) return { blocking: 'Enter a price above 0 for the whole party.' };
  return { price };
}

/**
 * What is wrong with the override price as typed, checked on every keystroke: not a price as parsePrice reads it
 * (blocking), under the cost, the guardrail floor or the list price band, or above the highest price expected (each
 * allowed only once confirmed). The API checks the same; the page says it before the manager presses Enter.
 */
function overridePriceProblem(d) {
  const parsed = parsePrice($('override-price').value.trim());
  if (parsed.blocking) return parsed;
  const { price } = parsed;
  const floor = d.guardrails ? d.guardrails.floor : null;
  const shown = money(price, d.currency, false, true);
  if (price < d.costTotal) return { price, confirm: 'below the cost', text: `${shown} is below our cost of ${money(d.costTotal, d.currency, false, true)}.` };
  if (floor !== null && price < floor) return { price, confirm: 'below the floor', text: `${shown} is below the guardrail floor of ${money(floor, d.currency, false, true)} (cost plus the least margin).` };
  // The lowest price the rule sets, as the API computes it (the floor, checked above, or the list price band's low end).
  if (d.lowestRulePrice !== undefined && d.lowestRulePrice !== null && price < d.lowestRulePrice) {
    return { price, confirm: 'below the list price band', text: `${shown} is below the lowest price the guardrail rule sets, ${money(d.lowestRulePrice, d.currency, false, true)} (the list price band's low end).` };
  }
  // Far above anything expected is more often a slip (a comma, an extra digit) than a price.
  if (d.highestExpectedPrice !== undefined && d.highestExpectedPrice !== null && price > d.highestExpectedPrice) {
    return { price, above: true, confirm: 'above the ceiling', text: `${shown} is above the highest expected price of ${money(d.highestExpectedPrice, d.currency, false, true)} (the guardrail ceiling, the list price band, or 1.5 times the suggested or current price). Check the digits.` };
  }
  return { price };
}

function checkOverridePrice() {
  const d = state.detail;
  const problem = d ? overridePriceProblem(d) : null;
  // The amount as it will be charged, written out, so a slipped digit or separator shows before it is sent.
  $('price-charge').textContent = problem && problem.price !== undefined ? `You will charge ${money(problem.price, d.currency, false, true)}` : '';
  const warning = $('price-warning');
  const message = !problem ? '' : problem.blocking ?? (problem.confirm ? `${problem.text} Confirm it below to charge it anyway.` : '');
  warning.hidden = !message;
  warning.textContent = message;
  $('confirm-price-field').hidden = !problem || !problem.confirm;
  // A tick confirms one warning: typed on to another (under the floor, then above the ceiling), it is asked again.
  const box = $('confirm-price');
  if (!problem || !problem.confirm || box.dataset.confirms !== problem.confirm) box.checked = false;
  box.dataset.confirms = problem && problem.confirm ? problem.confirm : '';
  if (problem && problem.confirm) $('confirm-price-label').textContent = `Charge it anyway, ${problem.confirm} (the reason is kept)`;
}
$('override-price').addEventListener('input', checkOverridePrice);
function chooseAction(action) {
  const form = $('decision-form');
  for (const input of form.querySelectorAll('input[name="action"]')) input.checked = input.value === action;
  $('price-field').hidden = action !== 'override';
  $('reason-field').hidden = action === null;
  $('reason-required').textContent = action === 'accept' ? '(optional)' : '(required)';
  $('submit-decision').disabled = action === null;
  $('decision-error').hidden = true;
  $('submit-decision').textContent = action === 'accept' ? 'Accept the suggested price' : action === 'override' ? 'Override with this price' : action === 'reject' ? 'Reject the suggestion' : 'Record decision';
  if (action === 'override') {
    $('override-price').focus();
    $('override-price').select();
  } else if (action) $('reason').focus();
}

$('decision-form').addEventListener('change', (event) => {
  if (event.target.name === 'action') chooseAction(event.target.value);
});

$('decision-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const d = state.detail;
  if (!d || state.deciding) return;
  const action = new FormData($('decision-form')).get('action');
  const reason = $('reason').value.trim();
  const error = $('decision-error');
  const fail = (message, focus) => {
    error.hidden = false;
    error.textContent = message;
    if (focus) focus.focus();
  };
  const body = { action };
  if (reason) body.reason = reason;
  if (action === 'override') {
    const problem = overridePriceProblem(d);
    if (problem.blocking) return fail(problem.blocking, $('override-price'));
    if (problem.confirm && !$('confirm-price').checked) return fail(`${problem.text} Tick “Charge it anyway” to confirm it, or change the price.`, $('confirm-price'));
    body.price = problem.price;
    if (problem.confirm) body[problem.above ? 'confirmAboveCeiling' : 'confirmBelowFloor'] = true;
  }
  if ((action === 'override' || action === 'reject') && !reason) return fail(`Say why you ${action} it: the reason is kept with the decision.`, $('reason'));
  // The whole fieldset until the answer is in, not only the button: choosing another action enabled the button
  // again, and a second, different decision could be sent while the first was in flight.
  const fieldset = $('decision-form').querySelector('fieldset');
  const settle = () => {
    state.deciding = false;
    fieldset.disabled = false;
  };
  state.deciding = true;
  fieldset.disabled = true;
  showStatus($('detail-status'), 'Recording…');
  try {
    const decision = await api(`/v1/review/suggestions/${d.id}/decision`, { method: 'POST', body: JSON.stringify(body) });
    settle();
    const verb = { accept: 'Accepted', override: 'Overridden', reject: 'Rejected' }[decision.action];
    showStatus($('detail-status'), `${verb}: quotation ${decision.quotationId} now at ${money(decision.decidedPrice, d.currency, false, true)}.`);
    const index = dropFromQueue(d.id);
    renderDetail({ ...d, state: { accept: 'accepted', override: 'overridden', reject: 'rejected' }[decision.action], decision });
    if (state.items.length === 0) showStatus($('queue-status'), state.total > 0 ? 'Page done. Loading more…' : 'Queue done: nothing left to review for these filters.');
    if (state.items.length === 0 && state.total > 0) {
      // The suggestions after this page moved up to its offset; only past the end is there nothing left here.
      if (state.offset >= state.total) state.offset = Math.max(0, state.total - PAGE_SIZE);
      loadQueue();
    }
    focusRow(Math.min(index, state.items.length - 1));
  } catch (err) {
    settle();
    showStatus($('detail-status'), '');
    if (err.status === 401) return;
    if (err.status === 409) {
      // The suggestion or its quotation changed meanwhile (decided by someone else, locked, expired, a newer
      // version): show it as it is now, then say why the decision was refused, after the reload and not before it.
      const now = await openDetail(d.id, `Cannot record it: ${err.message}`);
      if (err.code === 'already_decided' || (now && now.state !== 'pending')) dropFromQueue(d.id);
      return;
    }
    const focus = err.field === 'price' ? $('override-price') : err.field === 'reason' ? $('reason') : null;
    fail(err.message, focus);
  } finally {
    settle();
  }
});

document.addEventListener('keydown', (event) => {
  if (!state.key || event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = event.target.closest && event.target.closest('input, select, textarea');
  if (event.key === 'Escape') {
    if (!$('detail').hidden) {
      event.preventDefault();
      closeDetail();
    }
    return;
  }
  if (typing || !state.detail || state.detail.state !== 'pending' || $('decision-form').hidden || state.deciding) return;
  const action = { a: 'accept', o: 'override', r: 'reject' }[event.key];
  if (!action) return;
  const input = $('decision-form').querySelector(`input[value="${action}"]`);
  if (input.disabled) return;
  event.preventDefault();
  chooseAction(action);
});

// ---- acceptance ---------------------------------------------------------------------------------------------
// How often suggestions are taken, per model version and per manager: decisions reach the warehouse with the
// scheduled ingest, so the newest ones show up after the next run (the page says up to when).
function acceptanceRow(label, sub, r) {
  const override = r.avgOverride === null ? '—' : pct(r.avgOverride * 100);
  return el(
    'tr',
    {},
    el('td', {}, el('span', { text: label }), sub ? el('span', { class: 'sub', text: sub }) : null),
    el('td', { class: 'num', text: String(r.decisions) }),
    el('td', { class: 'num', text: r.autoAccepted ? `${r.accepted} (${r.autoAccepted} auto)` : String(r.accepted) }),
    el('td', { class: 'num', text: String(r.overridden) }),
    el('td', { class: 'num', text: String(r.rejected) }),
    el('td', { class: 'num', text: `${(r.acceptanceRate * 100).toFixed(1)}%` }),
    el('td', { class: `num ${r.avgOverride > 0 ? 'up' : r.avgOverride < 0 ? 'down' : ''}`, text: override }),
  );
}

async function loadAcceptance() {
  const status = $('acceptance-status');
  const days = $('acceptance-period').value;
  const params = new URLSearchParams();
  // "The last 30 days" are today and the 29 before it, counted in Lima, not in UTC (a day ahead from 19:00 Lima
  // time); `from` is included. Lima keeps no daylight saving time, so whole days of milliseconds land on the right day.
  if (days) params.set('from', limaDay(new Date(Date.now() - (Number(days) - 1) * 86_400_000)));
  showStatus(status, 'Loading acceptance…');
  try {
    const answer = await api(`/v1/suggestions/acceptance?${params}`);
    $('acceptance-model-rows').replaceChildren(...answer.byModelVersion.map((r) => acceptanceRow(r.modelVersion, null, r)));
    $('acceptance-manager-rows').replaceChildren(...answer.byManager.map((r) => acceptanceRow(r.decidedBy, r.role, r)));
    $('acceptance-models').hidden = answer.byModelVersion.length === 0;
    $('acceptance-managers').hidden = answer.byManager.length === 0;
    $('acceptance-through').textContent = answer.decidedThrough
      ? `Decisions up to ${moment(answer.decidedThrough)}; later ones count after the next scheduled ingest.`
      : '';
    showStatus(status, answer.byModelVersion.length === 0 ? 'No decisions in this period yet (decisions count once the scheduled ingest has copied them).' : '');
  } catch (err) {
    if (err.status === 401) return;
    showStatus(status, `Could not load acceptance: ${err.message}`, { error: true, retry: loadAcceptance });
  }
}
$('acceptance-period').addEventListener('change', loadAcceptance);

// ---- start ------------------------------------------------------------------------------------------------
/**
 * Signs in again with the key saved in this tab. Only a refusal of the key (401, 403) signs the manager out and
 * forgets it; the API being down or unreachable did too, so a network blip meant finding the key again. Then the key
 * is kept and the page says the API cannot be reached, with a retry.
 */
async function resume(key) {
  const error = $('sign-in-error');
  try {
    await signIn(key);
    error.hidden = true;
  } catch (err) {
    if (err.status === 401) return; // api() has signed out, saying why
    if (err.status === 403) return signOut(`This key cannot review prices: ${err.message}`);
    state.key = null;
    error.hidden = false;
    const why = err.status === 0 ? 'no answer' : `HTTP ${err.status}: ${err.message}`;
    showStatus(error, `The review API cannot be reached just now (${why}). Your key is kept in this tab.`, { error: true, retry: () => resume(key) });
  }
}

const saved = sessionStorage.getItem(KEY_STORAGE);
if (saved) {
  resume(saved);
} else {
  $('api-key').focus();
}
