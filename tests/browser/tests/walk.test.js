// A keyboard-only walk through effekt as each demo role, in headless Chromium.
//
// The test starts `effekt demo --fresh` itself (EFFEKT_BIN, default ../../target/debug/effekt),
// logs in with Tab/typing/Enter only, follows each role's main pages by keyboard, and on every
// page it visits saves a full-page screenshot to artifacts/<role>-<page>.png and runs axe-core
// with the WCAG 2.0/2.1 A and AA rules, which must find nothing.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  ELEVEN_DIGITS,
  PASSWORD,
  assertFocusVisible,
  atPhoneWidth,
  enterAndWait,
  focusIsFirst,
  focusMatches,
  launchBrowser,
  newPage,
  screenshot,
  startServer,
  tabToSelector,
  tabUntil,
  visited,
} from './helpers.js';

const ROLES = [
  { key: 'case-officer', user: 'veileder.grunerlokka', home: '/deltakere', kind: 'participants', paginate: true, tasks: ['Svar på forslaget fra leverandøren', 'Send eller avbryt utkastet til henvisning'] },
  { key: 'provider-staff', user: 'jobbspesialist.stor', home: '/deltakere', kind: 'participants', tasks: ['Les svaret fra Nav'] },
  { key: 'investor', user: 'investor.stiftelse', home: '/oversikt', kind: 'overview', forbidden: '/deltakere', tasks: ['Ta stilling til endringsforslaget'], follow: true },
  { key: 'evaluator', user: 'evaluator', home: '/evaluering', kind: 'evaluation' },
  { key: 'contract-manager', user: 'kontrakt.forvalter', home: '/oversikt', kind: 'overview', tasks: ['Beregn oppgjøret'] },
  { key: 'facilitator', user: 'tilrettelegger', home: '/oversikt', kind: 'overview' },
  { key: 'administrator', user: 'administrator', home: '/admin/brukere', kind: 'users', notFound: true, tasks: ['Rett feilen og importer på nytt'], importLog: true },
  { key: 'provider-admin', user: 'admin.stor', home: '/deltakere', kind: 'participants', tasks: ['Ta stilling til endringsforslaget', 'Les svaret fra Nav'], follow: true, ownStaff: ['admin.stor', 'jobbspesialist.stor'] },
  { key: 'privacy-officer', user: 'personvernombud', home: '/admin/logg', kind: 'audit' },
];

const MASKS = ['Adressebeskyttet', 'Skjermet person'];
const SKIP_LINK = 'a.skip-link[href="#main"]';
const FIRST_PARTICIPANT = 'tbody a[href^="/deltakere/"]';
const LOGOUT = 'form[action="/logg-ut"] button[type="submit"]';
const TEST_TIMEOUT = 90_000;

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pathIs = (p) => new RegExp(`^[^?#]*//[^/]+${escapeRe(p)}([?#].*)?$`);

let server;
let browser;

/** Submits the form of `selector`'s first match with Enter and waits for the page it leads to. */
async function submitForm(page, selector) {
  await Promise.all([
    page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
    page.locator(selector).first().press('Enter'),
  ]);
  await page.waitForLoadState('load');
}

/** Logs `role` in on a fresh page and walks it; a failed walk leaves a screenshot. */
async function asRole(role, name, walk) {
  const { context, page } = await newPage(browser, server.baseURL);
  try {
    await keyboardLogin(page, role);
    await walk(page);
  } catch (err) {
    await screenshot(page, role.key, `FAILED-${name}`).catch(() => {});
    throw err;
  } finally {
    await context.close();
  }
}
/** Names of participants seen by the roles allowed to see them; other roles must never show them. */
const knownNames = new Set();

before(async () => {
  server = await startServer({ readyTimeoutMs: 60_000 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
});

const pathname = (page) => new URL(page.url()).pathname;
const bodyText = (page) => page.locator('body').innerText();

/** The first Tab on a fresh page reaches the skip link, which is then visible; Enter moves focus to #main. */
async function checkSkipLink(page, shot) {
  await page.keyboard.press('Tab');
  assert.ok(await focusMatches(page, SKIP_LINK), 'the first Tab should reach the skip link');
  const link = page.locator(SKIP_LINK);
  assert.equal((await link.innerText()).trim(), 'Hopp til hovedinnhold');
  await assertFocusVisible(page, 'the skip link');
  const box = await link.boundingBox();
  assert.ok(box && box.width > 20 && box.height > 10, `skip link should be visible when focused, box ${JSON.stringify(box)}`);
  if (shot) await screenshot(page, shot.role, shot.name, { fullPage: false });
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'main', null, { timeout: 5_000 });
}

/** Log in from /logg-inn with the keyboard only. */
async function keyboardLogin(page, role) {
  const res = await page.goto('/logg-inn');
  assert.equal(res.status(), 200);
  await visited(page, role.key, 'logg-inn');
  await page.keyboard.press('Tab');
  assert.ok(await focusMatches(page, SKIP_LINK), 'the first Tab on the login page should reach the skip link');
  await tabToSelector(page, '#username', { max: 10 });
  await page.keyboard.type(role.user);
  await page.keyboard.press('Tab');
  assert.ok(await focusMatches(page, '#password'), 'Tab from the user name should reach the password');
  await page.keyboard.type(PASSWORD);
  await enterAndWait(page, pathIs('/hjem'));
  assert.equal(pathname(page), '/hjem', `${role.user} should land on the home`);
}

/**
 * The home: what waits for this person. Tasks link to where they are done; a role with
 * nothing waiting is told so. Then on to the role's main page by the menu.
 */
async function walkHome(page, role) {
  await visited(page, role.key, 'hjem');
  await atPhoneWidth(page, role.key, 'hjem');
  assert.equal(await page.locator('nav.main-nav a[href="/hjem"]').getAttribute('aria-current'), 'page');
  assert.equal((await page.locator('h1').innerText()).trim(), 'Hjem');
  await assertNoPersonalData(page, { links: role.kind === 'participants' });
  const tasks = await page.locator('main tbody tr th a').allInnerTexts();
  if (role.tasks) {
    for (const want of role.tasks) {
      assert.ok(tasks.includes(want), `${role.user} should have the task "${want}": ${tasks}`);
    }
  } else {
    assert.ok((await bodyText(page)).includes('Ingenting venter på deg nå.'), `${role.user} has no tasks: ${tasks}`);
  }
  if (role.follow) {
    // Follow the task to where it is done, do it, and see it gone from the home.
    const task = role.tasks[0];
    await tabToSelector(page, 'main tbody a[href^="/kontrakter/1"]', { max: 40 });
    await enterAndWait(page, pathIs('/kontrakter/1'));
    await visited(page, role.key, 'oppgave-kontrakt');
    await tabToSelector(page, 'form[action="/kontrakter/1/versjoner/3"] input[value="approve"] ~ button', { max: 60 });
    // The POST answers 303 to the same contract page: wait until the new document is
    // committed and loaded (a response alone is not enough), or the next goto races it.
    await Promise.all([
      page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
      page.keyboard.press('Enter'),
    ]);
    await page.waitForLoadState('load');
    assert.ok(!(await page.locator('form[action="/kontrakter/1/versjoner/3"] input[value="approve"]').count()), 'approved: the form is gone');
    await page.goto('/hjem');
    const left = await page.locator('main tbody tr th a').allInnerTexts();
    assert.ok(!left.includes(task), `${role.user}: the task is gone once done: ${left}`);
  }
  if (role.importLog) {
    // The refused import: the task leads to its row in the import log, open, with the
    // problems and the command to run it again.
    await tabToSelector(page, 'main tbody a[href^="/importer#import-"]', { max: 40 });
    const href = await page.locator('main tbody a[href^="/importer#import-"]').first().getAttribute('href');
    await enterAndWait(page, pathIs('/importer'));
    await visited(page, role.key, 'importer');
    await assertNoPersonalData(page);
    const row = page.locator(href.replace('/importer', ''));
    assert.ok((await row.innerText()).includes('venter på ny import'), 'the refused import waits');
    assert.ok(await row.locator('details[open]').count(), 'its problems are shown');
    assert.ok((await row.innerText()).includes('effekt evidence import'), 'and how to run it again');
    await page.goto('/hjem');
  }
  await tabToSelector(page, `nav.main-nav a[href="${role.home}"]`, { max: 25 });
  await enterAndWait(page, pathIs(role.home));
}

async function keyboardLogout(page, role) {
  await tabToSelector(page, LOGOUT, { max: 80 });
  assert.equal((await page.locator(LOGOUT).innerText()).trim(), 'Logg ut');
  await enterAndWait(page, pathIs('/logg-inn'));
  assert.equal(pathname(page), '/logg-inn');
  await visited(page, role.key, 'utlogget');
  const res = await page.request.get(role.home, { maxRedirects: 0 });
  assert.notEqual(res.status(), 200, `${role.home} must not be served after logout`);
}

/** Total count shown above the participant list. */
async function listTotal(page) {
  return Number((await page.locator('p[role="status"] strong').innerText()).trim());
}

async function listNames(page) {
  return page.locator('tbody tr td:first-child').allInnerTexts();
}

/**
 * Every page of the unfiltered list, fetched with the browser context's session (the page's
 * CSP allows no fetch from inside it) and parsed in the page: masked rows must hide the
 * national id.
 */
async function scanMaskedRows(page) {
  const origin = new URL(page.url()).origin;
  const html = async (path) => (await page.request.get(`${origin}${path}`)).text();
  const parse = (text) =>
    page.evaluate(
      ([text, masks]) => {
        const doc = new DOMParser().parseFromString(text, 'text/html');
        const pages = Math.max(1, ...[...doc.querySelectorAll('nav.pagination a')].map((a) => Number(a.textContent) || 1));
        const rows = [];
        for (const tr of doc.querySelectorAll('tbody tr')) {
          const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent.trim());
          if (masks.some((m) => tr.textContent.includes(m))) rows.push(cells);
        }
        return { pages, rows };
      },
      [text, MASKS],
    );
  const first = await parse(await html('/deltakere'));
  const rows = first.rows.map((cells) => ({ page: 1, cells }));
  for (let n = 2; n <= first.pages; n++) {
    const next = await parse(await html(`/deltakere?side=${n}`));
    rows.push(...next.rows.map((cells) => ({ page: n, cells })));
  }
  return { pages: first.pages, rows };
}

async function walkParticipants(t, page, role) {
  await checkSkipLink(page);

  // The first participant link, by Tab from the main content.
  const names = await listNames(page);
  assert.ok(names.length > 0, 'the participant list should not be empty');
  for (const n of names) if (!MASKS.includes(n.trim())) knownNames.add(n.trim());
  await tabUntil(page, () => focusIsFirst(page, FIRST_PARTICIPANT), { what: 'the first participant link', max: 40 });
  await assertFocusVisible(page, 'the first participant link');
  if (role.paginate) await screenshot(page, role.key, 'deltakere-fokus', { fullPage: false });
  const linkText = (await page.locator(FIRST_PARTICIPANT).first().innerText()).trim();
  await enterAndWait(page, /\/deltakere\/\d+$/);
  await visited(page, role.key, 'deltaker');
  assert.equal((await page.locator('h1').innerText()).trim(), linkText);
  await page.getByRole('heading', { level: 2, name: 'Statushistorikk' }).waitFor();
  // Outcomes from the demo register snapshot, unless the person is masked for this viewer.
  const outcomes = page.locator('section[aria-labelledby="outcomes-heading"]');
  if (MASKS.includes(linkText)) {
    assert.equal(await outcomes.count(), 0, 'a masked participant shows no outcomes');
  } else {
    assert.match(await outcomes.innerText(), /Registeruttrekk|registeruttrekket/, 'the outcomes name their snapshot');
  }

  // Back to the list with the "back" link.
  await tabToSelector(page, 'main a[href="/deltakere"]', { max: 20 });
  await enterAndWait(page, pathIs('/deltakere'));
  const total = await listTotal(page);

  if (role.paginate && (await page.locator('nav.pagination a[rel="next"]').count()) > 0) {
    await tabToSelector(page, 'nav.pagination a[rel="next"]', { max: 80 });
    await enterAndWait(page, /[?&]side=2\b/);
    await visited(page, role.key, 'deltakere-side-2');
    assert.equal(await page.locator('nav.pagination [aria-current="page"]').innerText(), '2');
    for (const n of await listNames(page)) if (!MASKS.includes(n.trim())) knownNames.add(n.trim());
  }

  // Filter by part of a family name, by keyboard.
  const families = names
    .map((n) => n.trim())
    .filter((n) => !MASKS.includes(n))
    .map((n) => n.split(/\s+/).pop())
    .filter((f) => f.length >= 4);
  assert.ok(families.length > 0, 'need a family name to search for');
  const counts = new Map();
  for (const f of families) counts.set(f, (counts.get(f) || 0) + 1);
  const family = [...counts.entries()].sort((a, b) => a[1] - b[1])[0][0];
  const fragment = family.slice(0, Math.min(family.length, 6));
  await tabToSelector(page, '#sok', { max: 20 });
  await page.keyboard.type(fragment);
  await enterAndWait(page, /[?&]s=/);
  await visited(page, role.key, 'deltakere-sok');
  // The search is posted and kept under a token: its text (often a national id) never
  // stands in the address.
  const token = new URL(page.url()).searchParams.get('s');
  assert.ok(token && !page.url().includes(fragment), `the address names the search: ${page.url()}`);
  assert.equal(await page.locator('#sok').inputValue(), fragment);
  const filtered = await listTotal(page);
  assert.ok(filtered > 0, `searching for "${fragment}" should find someone`);
  assert.ok(filtered < total, `searching for "${fragment}" should shrink the list (${filtered} of ${total})`);
  for (const n of await listNames(page)) {
    assert.ok(n.toLowerCase().includes(fragment.toLowerCase()), `"${n}" does not match the search "${fragment}"`);
  }

  // Sort by status with the column header link.
  await tabToSelector(page, 'thead th a[href*="sorter=status"]', { max: 30 });
  await enterAndWait(page, /[?&]sorter=status/);
  await visited(page, role.key, 'deltakere-sortert');
  assert.equal(await page.locator('thead th:has(a[href*="sorter=status"])').getAttribute('aria-sort'), 'ascending');
  assert.equal(new URL(page.url()).searchParams.get('s'), token, 'sorting keeps the search');

  // Protected persons: wherever a masked row shows, it must not show the national id.
  const scan = await scanMaskedRows(page);
  t.diagnostic(`${role.user}: ${scan.rows.length} masked row(s) across ${scan.pages} list page(s)`);
  for (const row of scan.rows) {
    assert.ok(!/\d/.test(row.cells[1] ?? ''), `masked row on page ${row.page} shows digits in the national id cell: ${JSON.stringify(row.cells)}`);
    assert.ok(!ELEVEN_DIGITS.test(row.cells.join(' ')), `masked row shows an 11-digit number: ${JSON.stringify(row.cells)}`);
  }
}

/**
 * No national ids and no participant names on a page; and, for roles without named access
 * (`links`: false), no links to participant pages either. The homes of the case officer and
 * the provider link their tasks to the participant page, by id, never by name.
 */
async function assertNoPersonalData(page, { links = false } = {}) {
  const text = await bodyText(page);
  assert.ok(!ELEVEN_DIGITS.test(text), `page ${page.url()} shows an 11-digit number: ${text.match(ELEVEN_DIGITS)?.[0]}`);
  for (const name of knownNames) {
    assert.ok(!text.includes(name), `page ${page.url()} shows the participant name "${name}"`);
  }
  if (!links) assert.equal(await page.locator('a[href^="/deltakere/"]').count(), 0, 'no links to participant pages');
}

async function walkOverview(page, role) {
  await checkSkipLink(page);
  await page.locator('table.data-table').first().waitFor();
  const cells = await page.locator('table.data-table td').allInnerTexts();
  assert.ok(cells.length > 0, 'the overview table should have cells');
  for (const c of cells) {
    // A count, "<5" or "x" where suppressed; a median in days ("4,5"), a share of hours
    // attended ("86 %") where its count is shown, "–" where not published.
    assert.match(c.trim(), /^(<5|x|\d+(,\d+)?|\d+ %|–)$/, `overview cell "${c}" should be "<5", "x", a count, a median, a share or "–"`);
  }
  await assertNoPersonalData(page);

  // Results per provider, reached from the main navigation.
  await tabToSelector(page, 'nav.main-nav a[href="/resultater"]', { max: 20 });
  await enterAndWait(page, pathIs('/resultater'));
  await visited(page, role.key, 'resultater');
  const tables = await page.locator('table.data-table').count();
  assert.ok(tables >= 3, `one table per outcome, found ${tables}`);
  for (const c of await page.locator('table.data-table td').allInnerTexts()) {
    assert.match(c.trim(), /^(<5|x|\d+)$/, `results cell "${c}" should be "<5", "x" or a count`);
  }
  await assertNoPersonalData(page);

  // Investments: positions, the waterfall and progress per cohort, from the main navigation.
  await tabToSelector(page, 'nav.main-nav a[href="/investeringer"]', { max: 20 });
  await enterAndWait(page, pathIs('/investeringer'));
  await visited(page, role.key, 'investeringer');
  assert.equal((await page.locator('h1').innerText()).trim(), 'Investeringer');
  const positions = await page.locator('section tbody tr').first().locator('th').innerText();
  assert.ok(positions.length > 0, 'an investor row');
  await assertNoPersonalData(page);

  if (role.forbidden) {
    const res = await page.goto(role.forbidden);
    assert.equal(res.status(), 403, `${role.user} opening ${role.forbidden}`);
    await visited(page, role.key, 'deltakere-403');
    assert.equal((await page.locator('h1').innerText()).trim(), 'Ingen tilgang');
    await assertNoPersonalData(page);
    await tabToSelector(page, 'main a[href="/"]', { max: 20 });
    await enterAndWait(page, pathIs('/hjem'));
  }
}

async function walkEvaluation(page, role) {
  await checkSkipLink(page);
  const pseudonyms = await page.locator('tbody tr td:first-child').allInnerTexts();
  assert.ok(pseudonyms.length > 0, 'the evaluation list should not be empty');
  for (const p of pseudonyms) assert.match(p.trim(), /^P-\S+$/, `"${p}" should be a pseudonym`);
  await assertNoPersonalData(page);

  if ((await page.locator('nav.pagination a[rel="next"]').count()) > 0) {
    await tabToSelector(page, 'nav.pagination a[rel="next"]', { max: 60 });
    await enterAndWait(page, /[?&]side=2\b/);
    await visited(page, role.key, 'evaluering-side-2');
    const next = await page.locator('tbody tr td:first-child').allInnerTexts();
    assert.ok(next.length > 0);
    for (const p of next) assert.match(p.trim(), /^P-\S+$/);
    assert.ok(!next.some((p) => pseudonyms.includes(p)), 'page 2 should show other pseudonyms');
    await assertNoPersonalData(page);
  }
}

/** Payments: the list of statements, one paid statement, and for the contract manager the
 * open period computed by keyboard. Lines show pseudonyms only, and investors see none. */
async function walkStatements(page, role) {
  await tabToSelector(page, 'nav.main-nav a[href="/utbetalinger"]', { max: 25 });
  await enterAndWait(page, pathIs('/utbetalinger'));
  await visited(page, role.key, 'utbetalinger');
  await assertNoPersonalData(page);
  const stages = await page.locator('tbody .tag').allInnerTexts();
  assert.ok(stages.filter((s) => s.trim() === 'Utbetalt').length >= 4, `the demo has paid periods: ${stages}`);

  await tabToSelector(page, 'tbody a[href="/utbetalinger/6"]', { max: 40 });
  await enterAndWait(page, pathIs('/utbetalinger/6'));
  await visited(page, role.key, 'utbetaling-2026Q2');
  assert.match(await page.locator('h1').innerText(), /2\. kvartal 2026/);
  await assertNoPersonalData(page);
  const pseudonyms = await page.locator('tbody code').allInnerTexts();
  if (role.kind === 'overview' && role.key !== 'contract-manager') {
    assert.equal(pseudonyms.length, 0, `${role.user} must see no statement line`);
    assert.equal(await page.locator('a[href*="linjer.csv"]').count(), 0, 'no download of lines');
  } else {
    assert.ok(pseudonyms.length > 0, `${role.user} should see lines`);
    for (const p of pseudonyms) assert.match(p.trim(), /^P-\S+$/, `"${p}" should be a pseudonym`);
  }
  if (role.key.startsWith('provider')) {
    assert.match(await bodyText(page), /Deres andel/);
  }

  if (role.key === 'contract-manager') {
    await page.goto('/utbetalinger');
    await tabToSelector(page, 'form[action="/utbetalinger/beregn"] button', { max: 40 });
    await enterAndWait(page, /\/utbetalinger\/\d+$/);
    await visited(page, role.key, 'utbetaling-beregnet');
    assert.match(await page.locator('h1').innerText(), /3\. kvartal 2026/);
    assert.equal((await page.locator('.tag.stage-computed').innerText()).trim(), 'Beregnet');
    await assertNoPersonalData(page);
    await walkSendBackAndRecompute(page, role);
  }
}

/** Submit the focused form's button and wait for the page the POST leads to. */
async function submitAndWait(page) {
  await Promise.all([
    page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
    page.keyboard.press('Enter'),
  ]);
  await page.waitForLoadState('load');
}

/**
 * The evaluator sends the statement just computed back with a reason; the contract manager
 * finds "Beregn på nytt" on the home and computes again without being asked why. Then the
 * evaluator verifies the new one, and computing over that asks for a reason first.
 */
async function walkSendBackAndRecompute(page, role) {
  const evaluatorRole = ROLES.find((r) => r.key === 'evaluator');
  const { context, page: ev } = await newPage(browser, server.baseURL);
  try {
    await keyboardLogin(ev, evaluatorRole);
    assert.ok((await ev.locator('main tbody tr th a').allInnerTexts()).includes('Verifiser oppgjøret'));
    await tabToSelector(ev, 'main tbody a', { max: 40 });
    await enterAndWait(ev, /\/utbetalinger\/\d+$/);
    await tabToSelector(ev, '#tilbake', { max: 60 });
    await ev.keyboard.type('Snittlønnen for september mangler');
    await tabToSelector(ev, 'form:has(#tilbake) button[type="submit"]', { max: 5 });
    await submitAndWait(ev);
    await visited(ev, 'evaluator', 'utbetaling-sendt-tilbake');
    assert.equal((await ev.locator('.tag.stage-sent_back').innerText()).trim(), 'Sendt tilbake');
    assert.match(await bodyText(ev), /«Snittlønnen for september mangler»/);

    // The contract manager's home now says to compute again, and no reason is asked.
    await page.goto('/hjem');
    await visited(page, role.key, 'hjem-sendt-tilbake');
    assert.ok((await page.locator('main tbody tr th a').allInnerTexts()).includes('Beregn på nytt: sendt tilbake'));
    await tabToSelector(page, 'main tbody a', { max: 40 });
    await enterAndWait(page, pathIs('/utbetalinger'));
    assert.equal(await page.locator('form[action="/utbetalinger/beregn"] textarea').count(), 0, 'no reason asked');
    await tabToSelector(page, 'form[action="/utbetalinger/beregn"] button', { max: 40 });
    await enterAndWait(page, /\/utbetalinger\/\d+$/);
    assert.equal((await page.locator('.tag.stage-computed').innerText()).trim(), 'Beregnet');

    // The evaluator verifies the new one; computing over that needs a reason, named steps and all.
    await ev.goto('/hjem');
    await tabToSelector(ev, 'main tbody a', { max: 40 });
    await enterAndWait(ev, /\/utbetalinger\/\d+$/);
    await tabToSelector(ev, 'form:has(input[value="verify"]) button[type="submit"]', { max: 60 });
    await submitAndWait(ev);
    assert.equal((await ev.locator('.tag.stage-verified').innerText()).trim(), 'Verifisert');
    await page.goto('/utbetalinger');
    await visited(page, role.key, 'utbetalinger-begrunnelse');
    await tabToSelector(page, 'form[action="/utbetalinger/beregn"] button', { max: 40 });
    await submitAndWait(page);
    await visited(page, role.key, 'utbetalinger-begrunnelse-mangler');
    assert.match(await bodyText(page), /allerede verifisert av/);
    await tabToSelector(page, 'form[action="/utbetalinger/beregn"] textarea', { max: 40 });
    await page.keyboard.type('Nytt registeruttrekk for september');
    await tabToSelector(page, 'form[action="/utbetalinger/beregn"] button', { max: 5 });
    await enterAndWait(page, /\/utbetalinger\/\d+$/);
    assert.equal((await page.locator('.tag.stage-computed').innerText()).trim(), 'Beregnet');
  } finally {
    await context.close();
  }
}

/** The contract: terms in plain words and versions; the contract manager gets the form to
 * propose an amendment, others in the contract read it. */
async function walkContract(page, role) {
  await tabToSelector(page, 'nav.main-nav a[href="/kontrakter"]', { max: 25 });
  await enterAndWait(page, pathIs('/kontrakter/1'));
  await visited(page, role.key, 'kontrakt');
  await assertNoPersonalData(page);
  assert.equal((await page.locator('h1').innerText()).trim(), 'Jobbvei Oslo');
  const outcomes = await page.locator('section[aria-labelledby="outcomes-heading"] tbody tr').count();
  assert.equal(outcomes, 6, 'the demo contract pays for six outcomes (the sixth a verified milestone)');
  const form = await page.locator('form[action="/kontrakter/1/endringer"]').count();
  // The demo's version 3 waits for decisions, so no second proposal can be made by anyone.
  assert.equal(form, 0, `${role.user}: no proposal form while one waits`);
}

async function walkUsers(page, role) {
  await checkSkipLink(page);
  const usernames = (await page.locator('tbody tr td:first-child').allInnerTexts()).map((u) => u.trim());
  for (const r of ROLES) assert.ok(usernames.includes(r.user), `user list should include ${r.user}`);
  const text = await bodyText(page);
  assert.ok(!/\$argon2|\$2[aby]\$|effekt-demo-2026/.test(text), 'no password hashes or passwords on the user list');

  // Deactivate an account that has done its walk, by keyboard, then turn it on again.
  const row = (u) => page.locator('tbody tr', { has: page.locator(`td:first-child a:text-is("${u}")`) });
  await tabToSelector(page, 'button[aria-label="Deaktiver tilrettelegger"]', { max: 80 });
  await submitAndWait(page);
  await visited(page, role.key, 'admin-brukere-deaktivert');
  assert.equal((await row('tilrettelegger').locator('.tag').first().innerText()).trim(), 'Deaktivert');
  await tabToSelector(page, 'button[aria-label="Aktiver tilrettelegger"]', { max: 80 });
  await submitAndWait(page);
  assert.equal((await row('tilrettelegger').locator('.tag').first().innerText()).trim(), 'Aktiv');
  assert.equal(await page.locator('button[aria-label="Deaktiver administrator"]').count(), 0, 'not one\'s own');

  // A password link, shown once; opened without a login, it sets the password by keyboard.
  await tabToSelector(page, 'button[aria-label="Ny passordlenke tilrettelegger"]', { max: 120 });
  await submitAndWait(page);
  await visited(page, role.key, 'admin-brukere-passordlenke');
  const link = (await page.locator('code.password-link').innerText()).trim();
  assert.match(link, /^\/passord\/[A-Za-z0-9_-]{43}$/);
  const { context, page: holder } = await newPage(browser, server.baseURL);
  try {
    assert.equal((await holder.goto(link)).status(), 200);
    await visited(holder, 'anonymous', 'passord');
    await tabToSelector(holder, '#password', { max: 20 });
    await holder.keyboard.type('et langt nytt passord');
    await holder.keyboard.press('Tab');
    assert.ok(await focusMatches(holder, '#repeated'), 'Tab from the password reaches the repetition');
    await holder.keyboard.type('et langt nytt passord');
    await enterAndWait(holder, pathIs('/logg-inn'));
    assert.equal((await holder.goto(link)).status(), 410, 'a link works once');
    await visited(holder, 'anonymous', 'passord-brukt');
  } finally {
    await context.close();
  }

  // A new account by keyboard: its first password link is shown once.
  const newAccount = async (username) => {
    await tabToSelector(page, '#username', { max: 200 });
    await page.keyboard.type(username);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Ny Ansatt');
    await page.keyboard.press('Tab');
    await page.selectOption('#role', 'PROVIDER_STAFF');
    const provider = await page.locator('#organisation option', { hasText: 'leverandør' }).first().getAttribute('value');
    await page.selectOption('#organisation', provider);
    await page.focus('#organisation');
    await page.keyboard.press('Tab');
    // Provider staff work in the team with a discipline.
    assert.ok(await focusMatches(page, '#discipline'), 'Tab reaches the discipline');
    await page.selectOption('#discipline', 'VEILEDER');
    await page.keyboard.press('Tab');
    assert.ok(await focusMatches(page, 'form[action="/admin/brukere/ny"] button[type="submit"]'), 'Tab reaches the create button');
    await submitAndWait(page);
  };
  await newAccount('ny.ansatt');
  await visited(page, role.key, 'admin-brukere-ny');
  assert.match((await page.locator('code.password-link').innerText()).trim(), /^\/passord\/[A-Za-z0-9_-]{43}$/);
  // The same username again: refused beside the field, with a summary that links to it.
  await newAccount('ny.ansatt');
  await visited(page, role.key, 'admin-brukere-feil');
  assert.match(await page.locator('#username-error').innerText(), /finnes allerede/);
  assert.equal(await page.locator('#username').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#error-summary a[href="#username"]').count(), 1);
  assert.equal(await page.locator('#username').inputValue(), 'ny.ansatt', 'what was typed stays');
  assert.equal(await page.locator('code.password-link').count(), 0);
  await tabToSelector(page, 'a[aria-label="Endre kontoen ny.ansatt"]', { max: 200 });
  await enterAndWait(page, /\/admin\/brukere\/\d+$/);
  await visited(page, role.key, 'admin-konto');
  assert.equal(await page.locator('#role').inputValue(), 'PROVIDER_STAFF');

  // The audit log under pseudonyms: no national id, no name.
  await tabToSelector(page, 'nav.main-nav a[href="/admin/logg"]', { max: 25 });
  await enterAndWait(page, pathIs('/admin/logg'));
  await visited(page, role.key, 'admin-logg');
  await assertNoPersonalData(page);
  assert.ok(await page.locator('td .pseudonym').count() > 0, 'reads are listed under pseudonyms');
  assert.equal(await page.locator('#person').count(), 0, 'no search by person for the administrator');

  // The configuration page: what runs, and what production still needs.
  await tabToSelector(page, 'nav.main-nav a[href="/admin/oppsett"]', { max: 25 });
  await enterAndWait(page, pathIs('/admin/oppsett'));
  await visited(page, role.key, 'admin-oppsett');
  assert.ok((await bodyText(page)).includes('EFFEKT_MODE=production'), 'the demo is not production, and the page says so');

  if (role.notFound) {
    const res = await page.goto('/finnes-ikke');
    assert.equal(res.status(), 404);
    await visited(page, role.key, 'finnes-ikke');
    assert.equal((await page.locator('h1').innerText()).trim(), 'Fant ikke siden');
    await tabToSelector(page, 'main a[href="/"]', { max: 20 });
    await enterAndWait(page, pathIs('/hjem'));
  }
}

/** The privacy officer finds who has read about a person, by the national id the log shows. */
async function walkAuditLog(page, role) {
  await checkSkipLink(page);
  const ids = (await page.locator('tbody tr td:nth-child(3)').allInnerTexts()).map((t) => t.trim()).filter((t) => /^\d{6}\s\d{5}$/.test(t));
  assert.ok(ids.length > 0, 'reads are listed with national ids');
  const [id] = ids;
  await tabToSelector(page, '#person', { max: 40 });
  await page.keyboard.type(id);
  await submitAndWait(page);
  await visited(page, role.key, 'admin-logg-person');
  const shown = new Set((await page.locator('tbody tr td:nth-child(3)').allInnerTexts()).map((t) => t.trim()));
  assert.deepEqual([...shown], [id], 'only reads of that person');
}

/** A provider admin manages its own organisation's accounts, and sees no one else's. */
async function walkOwnStaff(page, role) {
  await tabToSelector(page, 'nav.main-nav a[href="/admin/brukere"]', { max: 25 });
  await enterAndWait(page, pathIs('/admin/brukere'));
  await visited(page, role.key, 'admin-brukere-egne');
  const usernames = (await page.locator('tbody tr td:first-child').allInnerTexts()).map((u) => u.trim());
  for (const own of role.ownStaff) assert.ok(usernames.includes(own), `${own} is listed`);
  for (const other of ['administrator', 'veileder.grunerlokka', 'investor.stiftelse']) {
    assert.ok(!usernames.includes(other), `${role.user} must not see ${other}`);
  }
  assert.equal(await page.locator('#role option[value="ADMINISTRATOR"]').count(), 0, 'no role beyond its own staff');
}

describe('effekt in the browser, by keyboard', { timeout: 8 * TEST_TIMEOUT }, () => {
  test('anonymous: login page, skip link, form errors and the 404 page', { timeout: TEST_TIMEOUT }, async () => {
    const { context, page } = await newPage(browser, server.baseURL);
    try {
      await page.goto('/');
      assert.equal(pathname(page), '/logg-inn', 'anonymous / should lead to the login page');
      await visited(page, 'anonymous', 'logg-inn');
      assert.equal(await page.locator('html').getAttribute('lang'), 'nb');
      await checkSkipLink(page, { role: 'anonymous', name: 'logg-inn-skiplenke-fokus' });

      // Submitting the empty form (Tab to the user name, Enter) shows the error summary.
      await tabToSelector(page, '#username', { max: 5 });
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/logg-inn'),
        page.keyboard.press('Enter'),
      ]);
      await page.waitForLoadState('load');
      await page.locator('#error-summary').waitFor();
      await visited(page, 'anonymous', 'logg-inn-feil');
      assert.equal(await page.locator('#error-summary a').count(), 2);
      assert.equal(await page.locator('#username').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#password').getAttribute('aria-invalid'), 'true');

      const res = await page.goto('/finnes-ikke');
      assert.equal(res.status(), 404);
      await visited(page, 'anonymous', 'finnes-ikke');
      assert.equal((await page.locator('h1').innerText()).trim(), 'Fant ikke siden');
      await checkSkipLink(page);
    } finally {
      await context.close();
    }
  });

  for (const role of ROLES) {
    test(`${role.key} (${role.user})`, { timeout: TEST_TIMEOUT }, async (t) => {
      const { context, page } = await newPage(browser, server.baseURL);
      try {
        await keyboardLogin(page, role);
        await walkHome(page, role);
        await visited(page, role.key, role.home.replace(/^\//, '').replace(/\//g, '-'));
        // The current page is marked in the main menu.
        assert.equal(await page.locator(`nav.main-nav a[href="${role.home}"]`).getAttribute('aria-current'), 'page');
        if (role.kind === 'participants') await walkParticipants(t, page, role);
        if (role.kind === 'overview') await walkOverview(page, role);
        if (role.kind === 'evaluation') await walkEvaluation(page, role);
        if (role.kind === 'users') await walkUsers(page, role);
        if (role.kind === 'audit') await walkAuditLog(page, role);
        if (role.ownStaff) await walkOwnStaff(page, role);
        if (!['users', 'audit'].includes(role.kind)) await walkStatements(page, role);
        if (!['users', 'audit'].includes(role.kind)) await walkContract(page, role);
        await keyboardLogout(page, role);
      } catch (err) {
        await screenshot(page, role.key, 'FAILED').catch(() => {});
        throw err;
      } finally {
        await context.close();
      }
    });
  }

  test('the workspace: a milestone recorded and verified by a colleague, a proposal Nav approves', { timeout: 2 * TEST_TIMEOUT }, async () => {
    const staff = ROLES.find((r) => r.key === 'provider-staff');
    const admin = ROLES.find((r) => r.key === 'provider-admin');
    const officer = ROLES.find((r) => r.key === 'case-officer');
    const oslo = (days) => new Intl.DateTimeFormat('nb-NO', { timeZone: 'Europe/Oslo', day: '2-digit', month: '2-digit', year: 'numeric' })
      .format(new Date(Date.now() + days * 86_400_000));
    const submit = async (page) => {
      await Promise.all([
        page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
        page.keyboard.press('Enter'),
      ]);
      await page.waitForLoadState('load');
    };
    let participant;
    // The job specialist follows Nav's answer to the participant, marks it read, records a
    // milestone reached today, and proposes an extension.
    await asRole(staff, 'arbeidsflate', async (page) => {
      await tabToSelector(page, 'main tbody a[href*="#forslag-"]', { max: 40 });
      await enterAndWait(page, /\/deltakere\/\d+/);
      participant = pathname(page);
      await visited(page, staff.key, 'deltaker-arbeidsflate');
      await tabToSelector(page, 'button[value="lest"]', { max: 250 });
      await submit(page);
      assert.ok((await bodyText(page)).includes('Svaret er markert som lest.'));
      await tabToSelector(page, '#delmal', { max: 250 });
      await page.selectOption('#delmal', 'kartlegging');
      await tabToSelector(page, '#nadd_dato', { max: 5 });
      await page.keyboard.type(oslo(0));
      await submit(page);
      await visited(page, staff.key, 'delmal-registrert');
      let text = await bodyText(page);
      assert.ok(text.includes('Delmålet er registrert.'), 'recorded');
      assert.ok(text.includes('Den som registrerte delmålet, kan ikke også verifisere det.'), 'not for the recorder to verify');
      await tabToSelector(page, '#endring', { max: 250 });
      await page.selectOption('#endring', 'FORLENG_DELTAKELSE');
      await tabToSelector(page, '#dato', { max: 5 });
      await page.keyboard.type(oslo(200));
      await tabToSelector(page, '#begrunnelse', { max: 20 });
      await page.keyboard.type('Trenger mer tid i arbeidspraksis');
      await submit(page);
      await visited(page, staff.key, 'forslag-sendt');
      text = await bodyText(page);
      assert.ok(text.includes('Forslaget er sendt til Nav.'), 'proposed');
      assert.ok(text.includes('Venter på svar fra Nav'));
      await page.goto('/hjem');
      assert.ok(!(await page.locator('main tbody tr th a').allInnerTexts()).includes('Les svaret fra Nav'), 'read: the task is gone');
    });
    // A colleague verifies the milestone.
    await asRole(admin, 'verifiser', async (page) => {
      await page.goto(participant);
      await tabToSelector(page, 'button[value="verifiser"]', { max: 300 });
      await submit(page);
      await visited(page, admin.key, 'delmal-verifisert');
      const text = await bodyText(page);
      assert.ok(text.includes('Delmålet er verifisert'), 'verified');
      assert.ok(text.includes('Per Kristiansen (admin.stor)'), 'the verifier is named');
    });
    // Nav's case officer follows the task to the proposal and approves it.
    await asRole(officer, 'godkjenn', async (page) => {
      const link = `main tbody a[href^="${participant}#forslag-"]`;
      await tabToSelector(page, link, { max: 40 });
      await enterAndWait(page, /\/deltakere\/\d+/);
      await visited(page, officer.key, 'forslag');
      await tabToSelector(page, 'button[value="godkjenn"]', { max: 300 });
      await submit(page);
      await visited(page, officer.key, 'forslag-godkjent');
      const text = await bodyText(page);
      assert.ok(text.includes('Forslaget er godkjent, og deltakelsen er endret.'), 'approved');
      assert.ok(text.includes(oslo(200)), 'the planned end date is the proposed one');
      await page.goto('/hjem');
      const left = await page.locator(link).count();
      assert.equal(left, 0, 'answered: the task is gone');
    });
  });

  test('provider staff write an individual plan and record the participant\'s approval', { timeout: 2 * TEST_TIMEOUT }, async () => {
    const staff = ROLES.find((r) => r.key === 'provider-staff');
    const { context, page } = await newPage(browser, server.baseURL);
    const submit = async (form) => {
      await Promise.all([
        page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
        page.locator(`form[action$="${form}"] button[type="submit"]`).press('Enter'),
      ]);
      await page.waitForLoadState('load');
    };
    try {
      await keyboardLogin(page, staff);
      await page.goto('/deltakere?status=DELTAR');
      await page.locator('main tbody tr a[href^="/deltakere/"]').first().click();
      await page.waitForLoadState('load');
      const participant = pathname(page);
      // A plan with no module is refused beside the modules, nothing stored.
      await page.selectOption('#lop', 'LANGT');
      for (const box of await page.locator('#moduler input[type="checkbox"]').all()) await box.uncheck();
      await page.fill('#dager_per_uke', '4');
      await page.fill('#hjemmedager', '1');
      await submit(`${participant}/plan`);
      await visited(page, staff.key, 'plan-uten-modul');
      assert.ok((await page.locator('#moduler-error').innerText()).includes('Velg minst én modul'), 'refused beside the modules');
      await page.check('#modul-norsk-muntlig-samhandling');
      await page.check('#modul-livsmestring');
      await submit(`${participant}/plan`);
      await visited(page, staff.key, 'plan-lagret');
      let text = await bodyText(page);
      assert.ok(text.includes('Planen er lagret som en ny versjon.') && text.includes('Venter på deltakerens godkjenning'), 'saved, waits');
      // On the participant's behalf needs a reason from the list.
      await page.check('#godkjenning-pa-vegne');
      await submit(`${participant}/plan/godkjenning`);
      assert.ok((await page.locator('#godkjenning_arsak-error').innerText()).includes('Velg hvorfor'), 'a reason is needed');
      await page.check('#godkjenning-pa-vegne');
      await page.selectOption('#godkjenning_arsak', 'SPRAK');
      await submit(`${participant}/plan/godkjenning`);
      await visited(page, staff.key, 'plan-godkjent');
      text = await bodyText(page);
      assert.ok(text.includes('Registrert på vegne av deltakeren: Språk'), 'approval recorded with its reason');
      await page.selectOption('#oppgave', 'nav-skjema');
      await submit(`${participant}/oppgaver`);
      assert.ok((await bodyText(page)).includes('Fyll ut et skjema på nav.no'), 'task given');
    } catch (err) {
      await screenshot(page, staff.key, 'FAILED-plan').catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
  });

  test('provider staff plan a session for a group and take attendance for the whole group', { timeout: 2 * TEST_TIMEOUT }, async () => {
    const staff = ROLES.find((r) => r.key === 'provider-staff');
    const { context, page } = await newPage(browser, server.baseURL);
    const submit = async (form) => {
      await Promise.all([
        page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
        page.locator(`form[action$="${form}"] button[type="submit"]`).press('Enter'),
      ]);
      await page.waitForLoadState('load');
    };
    try {
      await keyboardLogin(page, staff);
      await page.goto('/deltakere');
      await tabToSelector(page, 'main a[href="/grupper"]', { max: 40 });
      await enterAndWait(page, pathIs('/grupper'));
      await visited(page, staff.key, 'grupper');
      await page.locator('main tbody a[href^="/grupper/"]').first().click();
      await page.waitForLoadState('load');
      await visited(page, staff.key, 'gruppe');
      const group = pathname(page);
      // "Jobbvei Oslo · 9 deltakere": the members today (those whose participation ended are former).
      const members = Number((await page.locator('main h1 + p').innerText()).match(/(\d+) deltakere/)[1]);
      assert.ok(members > 0, 'the group has members');
      // Planned yesterday morning, so attendance can be taken; first without a room: refused.
      const yesterday = new Date(Date.now() - 24 * 3600 * 1000);
      const date = `${String(yesterday.getDate()).padStart(2, '0')}.${String(yesterday.getMonth() + 1).padStart(2, '0')}.${yesterday.getFullYear()}`;
      await page.fill('#dato', date);
      await page.fill('#klokkeslett', '06:00');
      await page.fill('#varighet', '90');
      await page.selectOption('#laerer', { index: 1 });
      await page.selectOption('#modul', 'norsk-muntlig-samhandling');
      await submit(`${group}/okter`);
      await visited(page, staff.key, 'okt-uten-rom');
      assert.ok((await page.locator('#rom-error').innerText()).includes('Skriv rommet'), 'refused beside the room');
      await page.fill('#rom', 'Rom 7B');
      await submit(`${group}/okter`);
      await visited(page, staff.key, 'okt-planlagt');
      assert.ok((await bodyText(page)).includes('Øktene er planlagt.'), 'planned');
      await page.locator('a', { hasText: 'Ta oppmøte' }).last().click();
      await page.waitForLoadState('load');
      await visited(page, staff.key, 'oppmote');
      const rows = await page.locator('select[name^="oppmote-"]').all();
      // The form lists the members on the session's day (yesterday), the header today's: a
      // participation that ended or began today may differ by one.
      assert.ok(Math.abs(rows.length - members) <= 1, `a row per member: ${rows.length} rows, ${members} members`);
      for (const row of rows) await row.selectOption('TILSTEDE');
      const first = await rows[0].getAttribute('name');
      await page.selectOption(`#${first}`, 'FRAVAER');
      await submit(pathname(page));
      await visited(page, staff.key, 'oppmote-uten-grunn');
      assert.ok((await bodyText(page)).includes('Velg en fraværsgrunn.'), 'an absence needs a reason');
      await page.selectOption(`#${first.replace('oppmote-', 'arsak-')}`, 'SYKT_BARN');
      await submit(pathname(page));
      await visited(page, staff.key, 'oppmote-lagret');
      assert.ok((await bodyText(page)).includes('Oppmøtet er lagret.'), 'saved');
    } catch (err) {
      await screenshot(page, staff.key, 'FAILED-grupper').catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
  });

  test('a teacher\'s week: attendance from her home, an interpreter booked and confirmed, each task gone once done', { timeout: 2 * TEST_TIMEOUT }, async () => {
    const teacher = { key: 'teacher', user: 'laerer.stor' };
    const { context, page } = await newPage(browser, server.baseURL);
    const tasks = () => page.locator('main tbody tr th a').allInnerTexts();
    const count = (list, label) => list.filter((t) => t === label).length;
    const submit = async (selector) => {
      await Promise.all([
        page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
        page.locator(selector).first().press('Enter'),
      ]);
      await page.waitForLoadState('load');
    };
    try {
      await keyboardLogin(page, teacher);
      await visited(page, teacher.key, 'hjem');
      await assertNoPersonalData(page, { links: true });
      const before = await tasks();
      // The demo leaves her first group's latest session without attendance, and one
      // interpreter booking waits for the interpreter's confirmation.
      assert.ok(before.includes('Ta oppmøte'), `attendance to take: ${before}`);
      assert.ok(before.includes('Få tolkebestillingen bekreftet'), `a booking to confirm: ${before}`);
      await tabToSelector(page, 'main tbody a[href^="/grupper/"]', { max: 40 });
      await enterAndWait(page, /\/grupper\/\d+\/okter\/\d+/);
      await visited(page, teacher.key, 'oppmote');
      const rows = await page.locator('select[name^="oppmote-"]').all();
      assert.ok(rows.length >= 1 && rows.length <= 11, `a row per member on the day (some may have ended since the group began): ${rows.length}`);
      for (const row of rows) await row.selectOption('TILSTEDE');
      await submit(`form[action="${pathname(page)}"] button[type="submit"]`);
      assert.ok((await bodyText(page)).includes('Oppmøtet er lagret.'), 'saved');
      await page.goto('/hjem');
      const taken = await tasks();
      assert.equal(count(taken, 'Ta oppmøte'), count(before, 'Ta oppmøte') - 1, `the session moved off her home: ${taken}`);

      // An interpreter for one of her next sessions: first without the register's category.
      await page.goto('/grupper');
      await tabToSelector(page, 'main a[href="/tolk"]', { max: 40 });
      await enterAndWait(page, pathIs('/tolk'));
      await visited(page, teacher.key, 'tolk');
      await page.selectOption('#gjelder', { index: 1 });
      await page.fill('#tolk_sprak', 'Somali');
      await page.fill('#tolk_navn', 'Abdi Warsame (40412)');
      await page.selectOption('#tolk_form', 'SKJERM');
      await page.fill('#tolk_kostnad', '1 200,00');
      await submit('form[action="/tolk"] button[type="submit"]');
      await visited(page, teacher.key, 'tolk-uten-kategori');
      assert.ok((await page.locator('#tolk_kategori-error').innerText()).includes('Velg tolkens kategori'), 'refused beside the category');
      await page.selectOption('#tolk_kategori', 'D');
      await submit('form[action="/tolk"] button[type="submit"]');
      await visited(page, teacher.key, 'tolk-bestilt');
      assert.ok((await bodyText(page)).includes('Tolken er bestilt.'), 'booked');
      await page.goto('/hjem');
      const booked = await tasks();
      assert.equal(count(booked, 'Få tolkebestillingen bekreftet'), count(taken, 'Få tolkebestillingen bekreftet') + 1, `one more to confirm: ${booked}`);
      // The interpreter confirms: both bookings, and the tasks are gone.
      await page.goto('/tolk');
      while (await page.locator('input[name="handling"][value="bekreft"]').count()) {
        await submit('form:has(input[value="bekreft"]) button[type="submit"]');
      }
      await visited(page, teacher.key, 'tolk-bekreftet');
      assert.ok((await bodyText(page)).includes('Per deltaker'), 'the costs per participant');
      await page.goto('/hjem');
      const left = await tasks();
      assert.equal(count(left, 'Få tolkebestillingen bekreftet'), 0, `confirmed: off her home: ${left}`);
    } catch (err) {
      await screenshot(page, teacher.key, 'FAILED-uke').catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
  });

  test('the team: a coordinator adds a special-education teacher, who sees the screening a teacher cannot', { timeout: 2 * TEST_TIMEOUT }, async () => {
    const teacher = { key: 'teacher', user: 'laerer.stor' };
    const coordinator = { key: 'coordinator', user: 'koordinator.stor' };
    const special = { key: 'special-education', user: 'spesialpedagog.stor' };
    let participant;
    // The teacher opens a participant of her group: the plan, and nothing of the intake.
    await asRole(teacher, 'team-laerer', async (page) => {
      await page.goto('/grupper');
      await page.locator('main tbody a[href^="/grupper/"]').first().click();
      await page.waitForLoadState('load');
      await page.locator('main tbody th a[href^="/deltakere/"]').first().click();
      await page.waitForLoadState('load');
      participant = pathname(page);
      await visited(page, teacher.key, 'deltaker-som-laerer');
      assert.equal(await page.locator('#individuell-plan').count(), 1, 'the plan');
      for (const hidden of ['#kartlegging', '#inntak', '#team', '#plan-og-delmal']) {
        assert.equal(await page.locator(hidden).count(), 0, `a teacher sees no ${hidden}`);
      }
    });
    // The coordinator puts the special-education teacher on the participant's team.
    await asRole(coordinator, 'team-koordinator', async (page) => {
      await page.goto('/team');
      await visited(page, coordinator.key, 'team');
      assert.ok((await bodyText(page)).includes('Ansatte og saksmengde'), 'every staff member and her caseload');
      await page.goto(participant);
      await visited(page, coordinator.key, 'deltaker-team');
      const option = page.locator('#ansatt option', { hasText: 'spesialpedagog.stor' });
      if (await option.count()) {
        await page.selectOption('#ansatt', await option.getAttribute('value'));
        await submitForm(page, 'form[action$="/team"] button[type="submit"]');
        await visited(page, coordinator.key, 'team-uten-plass');
        assert.ok((await page.locator('#plass-error').innerText()).includes('Velg en plass'), 'refused beside the place');
        await page.selectOption('#plass', 'MEDLEM');
        await submitForm(page, 'form[action$="/team"] button[type="submit"]');
        await visited(page, coordinator.key, 'team-lagt-til');
        assert.ok((await bodyText(page)).includes('Den ansatte er lagt til i teamet.'), 'added');
      }
      assert.ok((await page.locator('#team-na').innerText()).includes('spesialpedagog.stor'), 'on the team');
    });
    // She records the reading-difficulty screening.
    await asRole(special, 'team-spesialpedagog', async (page) => {
      await page.goto(participant);
      assert.equal(await page.locator('#helsebehov').count(), 0, 'health needs are the health worker\'s');
      await page.selectOption('#lese-skrivevansker', 'TRENGER_OPPFOLGING');
      await page.fill('#lese-skrivevansker-merknad', 'Leser langsomt, bytter om bokstaver.');
      await submitForm(page, 'form[action$="/kartlegging"] button[type="submit"]');
      await visited(page, special.key, 'kartlegging-lesing');
      const text = await bodyText(page);
      assert.ok(text.includes('Kartleggingen er lagret.') && text.includes('Leser langsomt, bytter om bokstaver.'), 'saved and shown');
    });
    // The teacher still sees the plan, and not the screening.
    await asRole(teacher, 'team-laerer-igjen', async (page) => {
      await page.goto(participant);
      await visited(page, teacher.key, 'deltaker-uten-kartlegging');
      assert.ok(!(await bodyText(page)).includes('Leser langsomt'), 'not for the teacher');
      assert.equal(await page.locator('#lese-skrivevansker').count(), 0);
    });
  });

  test('the evaluation: the evaluator runs it, reads the report and saves it as PDF; an investor sees the published run only', { timeout: 2 * TEST_TIMEOUT }, async () => {
    const evaluator = ROLES.find((r) => r.key === 'evaluator');
    const investor = { key: 'investor-evaluering', user: 'investor.stiftelse' };
    let interim;
    await asRole(evaluator, 'evaluering', async (page) => {
      await page.goto('/kontrakter/1');
      await page.locator('main a[href="/kontrakter/1/evaluering"]').first().click();
      await page.waitForLoadState('load');
      await visited(page, evaluator.key, 'evaluering');
      const text = await bodyText(page);
      assert.ok(text.includes('Kjøring 1') && text.includes('publisert'), 'the demo\'s published run');
      // A changed plan without a reason is refused, with the reason asked for.
      await page.fill('#planfil', (await page.inputValue('#planfil')).replace('ratio = 1 ', 'ratio = 2 '));
      await submitForm(page, 'form[action$="/evaluering/plan"] button[type="submit"]');
      await visited(page, evaluator.key, 'evaluering-avvik-uten-begrunnelse');
      assert.ok((await page.locator('.error-summary').innerText()).includes('skriv hvorfor den endres'), 'a deviation needs a reason');
      // A new interim run on the newest snapshot.
      await submitForm(page, 'form[action$="/evaluering/kjoringer"] button[type="submit"]');
      interim = pathname(page);
      assert.match(interim, /^\/evalueringer\/\d+$/);
      await visited(page, evaluator.key, 'evalueringsrapport');
      const report = await bodyText(page);
      for (const says of ['Effektrapport', 'Foreløpig', 'Effekter', 'Hvem er analysert', 'Balanse', 'Metode', 'Ikke publisert']) {
        assert.ok(report.includes(says), `the report says ${says}`);
      }
      assert.equal(await page.locator('figure.chart svg.chart-svg').count(), 3, 'balance, event study, time to employment');
      // The report as PDF, printed by headless Chromium.
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      assert.ok(pdf.length > 20_000 && pdf.subarray(0, 4).toString() === '%PDF', 'a PDF');
      await import('node:fs').then((fs) => fs.writeFileSync(new URL('../artifacts/evalueringsrapport.pdf', import.meta.url), pdf));
    });
    await asRole(investor, 'evaluering-investor', async (page) => {
      await page.goto('/kontrakter/1/evaluering');
      await visited(page, investor.key, 'evaluering');
      const text = await bodyText(page);
      assert.ok(text.includes('Kjøring 1'), 'the published run');
      assert.ok(!text.includes(`Kjøring ${interim.split('/').pop()}\t`) && (await page.locator(`main a[href="${interim}"]`).count()) === 0, 'not the interim one');
      assert.equal(await page.locator('#planfil').count(), 0, 'no plan form');
      const res = await page.goto(interim);
      assert.equal(res.status(), 404, 'the interim run is not found');
      await page.goto('/evalueringer/1');
      await visited(page, investor.key, 'evalueringsrapport');
      assert.ok((await bodyText(page)).includes('<5'), 'a small count is suppressed');
      assert.equal(await page.locator('a[href$="mikrodata.csv"]').count(), 0, 'no microdata');
    });
  });

  test('a Nav case officer refers a person and the provider gives a place', { timeout: 2 * TEST_TIMEOUT }, async () => {
    const officer = ROLES.find((r) => r.key === 'case-officer');
    const staff = ROLES.find((r) => r.key === 'provider-staff');
    let participant;
    for (const [role, name, walk] of [
      [officer, 'henvis', async (page) => {
        await page.goto('/deltakere');
        await tabToSelector(page, 'main a[href="/henvisninger/ny"]', { max: 30 });
        await enterAndWait(page, pathIs('/henvisninger/ny'));
        await visited(page, officer.key, 'henvisning-ny');
        // A number nobody holds is named beside its field.
        await tabToSelector(page, '#fodselsnummer', { max: 30 });
        await page.keyboard.type('139272 48187');
        await tabToSelector(page, '#tiltak', { max: 5 });
        await page.selectOption('#tiltak', { label: 'Arbeidsinkludering Oslo AS – Jobbvei Oslo' });
        // First a draft (amt's KLADD): the office's own, listed beside the demo's draft.
        await Promise.all([
          page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
          page.locator('form[action="/henvisninger"] button[value="utkast"]').press('Enter'),
        ]);
        await page.waitForLoadState('load');
        await visited(page, officer.key, 'henvisning-utkast');
        const drafts = await bodyText(page);
        assert.ok(drafts.includes('Utkastet er lagret.') && drafts.includes('Halima Abdi'), 'the draft is listed');
        assert.ok(drafts.includes('Yonatan Haile') && drafts.includes('Utkast gått gjennom med personen'), "the demo's draft");
        const draft = page.locator('li.draft', { hasText: 'Halima Abdi' });
        await Promise.all([
          page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
          draft.locator('button[value="send"]').press('Enter'),
        ]);
        await page.waitForLoadState('load');
        await visited(page, officer.key, 'henvisning-sendt');
        participant = pathname(page);
        assert.match(participant, /^\/deltakere\/\d+$/);
        const text = await bodyText(page);
        assert.ok(text.includes('Henvisningen er sendt til leverandøren.'), 'sent');
        assert.ok(text.includes('Halima Abdi') && text.includes('Søkt inn'), 'the new participant, sent');
        // What Nav shares at the start: a health item without a legal basis is refused beside the field.
        await page.selectOption('#opplysning', 'helse');
        await page.fill('#innhold', 'Ryggplager: tåler ikke tunge løft.');
        await page.selectOption('#formal', 'tilpasse-plan');
        await Promise.all([
          page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
          page.locator('form[action$="/behov"] button[type="submit"]').press('Enter'),
        ]);
        await page.waitForLoadState('load');
        await visited(page, officer.key, 'behov-uten-grunnlag');
        assert.ok((await page.locator('#rettsgrunnlag-error').innerText()).includes('Velg rettsgrunnlaget'), 'refused beside the basis');
        assert.equal(await page.locator('#innhold').inputValue(), 'Ryggplager: tåler ikke tunge løft.', 'what was typed stays');
        await page.selectOption('#rettsgrunnlag', 'nav-loven-4a');
        await Promise.all([
          page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
          page.locator('form[action$="/behov"] button[type="submit"]').press('Enter'),
        ]);
        await page.waitForLoadState('load');
        await visited(page, officer.key, 'behov-delt');
        const shared = await bodyText(page);
        assert.ok(shared.includes('Opplysningen er delt med leverandøren.') && shared.includes('NAV-loven § 4 a'), 'shared with its basis');
        assert.equal(await page.locator('#kartlegging').count(), 0, 'Nav sees no screening');
      }],
      [staff, 'henvisning-svar', async (page) => {
        const link = `main tbody a[href="${participant}#henvisning"]`;
        assert.ok((await page.locator('main tbody tr th a').allInnerTexts()).includes('Svar på henvisningen'), 'a task for the provider');
        await tabToSelector(page, link, { max: 40 });
        await enterAndWait(page, /\/deltakere\/\d+/);
        await visited(page, staff.key, 'henvisning');
        await tabToSelector(page, 'button[value="accept"]', { max: 100 });
        await Promise.all([
          page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
          page.keyboard.press('Enter'),
        ]);
        await page.waitForLoadState('load');
        await visited(page, staff.key, 'henvisning-besvart');
        const text = await bodyText(page);
        assert.ok(text.includes('Svaret på henvisningen er registrert.'), 'answered');
        assert.ok(text.includes('Venter på oppstart') && text.includes('Registrer oppstart'), 'waits to start');
        // Who accepts becomes the main veileder, and reads Nav's health item and the screening
        // fields a job specialist needs — not hearing, which is the health worker's.
        assert.ok(text.includes('Hovedveileder') && text.includes('Marte Olsen (jobbspesialist.stor)'), 'on the team as main veileder');
        assert.ok(text.includes('Ryggplager: tåler ikke tunge løft.'), 'the provider reads what Nav shared');
        assert.equal(await page.locator('#horsel').count(), 0, 'hearing is not a job specialist\'s');
        await page.selectOption('#digitale-ferdigheter', 'TRENGER_OPPFOLGING');
        await page.fill('#digitale-ferdigheter-merknad', 'Har ikke BankID og trenger hjelp med Altinn.');
        await page.selectOption('#lese-skrive-morsmal', 'NOE_VANSKER');
        await Promise.all([
          page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
          page.locator('form[action$="/kartlegging"] button[type="submit"]').press('Enter'),
        ]);
        await page.waitForLoadState('load');
        await visited(page, staff.key, 'kartlegging');
        const screened = await bodyText(page);
        assert.ok(screened.includes('Kartleggingen er lagret.') && screened.includes('Har ikke BankID og trenger hjelp med Altinn.'), 'screening saved');
        // A language recorded by mistake is withdrawn with a reason (refused without one).
        await page.fill('#sprak', 'Swahili');
        await Promise.all([
          page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
          page.locator('form[action$="/sprak"] button[type="submit"]').press('Enter'),
        ]);
        await page.waitForLoadState('load');
        await page.locator('details.withdraw summary').click();
        await page.selectOption('#sprak_trekk', { label: 'Swahili' });
        const withdraw = async () => {
          await Promise.all([
            page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
            page.locator('form[action$="/inntak/trekk"] button[type="submit"]').press('Enter'),
          ]);
          await page.waitForLoadState('load');
        };
        await withdraw();
        await visited(page, staff.key, 'trekk-uten-begrunnelse');
        assert.ok((await page.locator('#sprak_trekk_begrunnelse-error').innerText()).includes('Fyll ut feltet.'), 'a reason is required');
        await page.fill('#sprak_trekk_begrunnelse', 'Feil språk, registrert ved en feil');
        await withdraw();
        await visited(page, staff.key, 'sprak-trukket');
        const withdrawn = await bodyText(page);
        assert.ok(withdrawn.includes('Opplysningen er trukket tilbake') && !withdrawn.includes('Swahili'), 'withdrawn');
        await page.goto('/hjem');
        assert.equal(await page.locator(link).count(), 0, 'answered: the task is gone');
      }],
    ]) {
      const { context, page } = await newPage(browser, server.baseURL);
      try {
        await keyboardLogin(page, role);
        await walk(page);
      } catch (err) {
        await screenshot(page, role.key, `FAILED-${name}`).catch(() => {});
        throw err;
      } finally {
        await context.close();
      }
    }
  });

  test('the proposer withdraws the pending proposal, and nobody is asked any more', { timeout: TEST_TIMEOUT }, async () => {
    // The second investor has not answered yet: the proposal waits on its home.
    const impact = { key: 'investor-impact', user: 'investor.impact' };
    const decide = 'Ta stilling til endringsforslaget';
    const tasksOf = async (role) => {
      const { context, page } = await newPage(browser, server.baseURL);
      try {
        await keyboardLogin(page, role);
        return await page.locator('main tbody tr th a').allInnerTexts();
      } finally {
        await context.close();
      }
    };
    assert.ok((await tasksOf(impact)).includes(decide), 'the second investor is asked');
    const manager = ROLES.find((r) => r.key === 'contract-manager');
    const { context, page } = await newPage(browser, server.baseURL);
    try {
      await keyboardLogin(page, manager);
      await page.goto('/kontrakter/1');
      await tabToSelector(page, '#trekk-begrunnelse', { max: 80 });
      await page.keyboard.type('Prisen tas opp i neste forhandlingsmøte i stedet.');
      await page.keyboard.press('Tab');
      assert.ok(await focusMatches(page, 'form:has(#trekk-begrunnelse) button[type="submit"]'), 'Tab reaches the withdraw button');
      await Promise.all([
        page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
        page.keyboard.press('Enter'),
      ]);
      await page.waitForLoadState('load');
      await visited(page, manager.key, 'kontrakt-trukket');
      assert.equal(await page.locator('#trekk-begrunnelse').count(), 0, 'nothing left to withdraw');
      const text = await bodyText(page);
      assert.ok(text.includes('Trukket tilbake'), 'the versions table says it was withdrawn');
      assert.ok(text.includes('Prisen tas opp i neste forhandlingsmøte i stedet.'), 'with the reason');
    } catch (err) {
      await screenshot(page, manager.key, 'FAILED-withdraw').catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
    // Nobody is asked any more.
    assert.ok(!(await tasksOf(impact)).includes(decide), 'the second investor has nothing to decide');
  });
});
