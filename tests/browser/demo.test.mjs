// Attain in a real browser: `attain demo` on a free port against a temporary database, headless
// Chromium (Debian's, driven by playwright-core) signing in through the form as each role, what
// each may and may not see, a search and a CSRF-protected form, and screenshots of the main pages.
//
// Run by scripts/test (`node --test` in this folder). Settings, all optional:
//   ATTAIN_BIN          the attain binary (default: ../../target/debug/attain)
//   CHROMIUM            the browser (default: /usr/bin/chromium)
//   ATTAIN_SCREENSHOTS  where screenshots go (default: ../../screenshots, ignored by git)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const bin = process.env.ATTAIN_BIN || join(repo, 'target', 'debug', 'attain');
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const shots = process.env.ATTAIN_SCREENSHOTS || join(repo, 'screenshots');

// Flags known to work on these machines: no sandbox as root, no GPU, and no background traffic
// to Google's hosts (the network is closed).
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const OPS = { email: 'ops@demo.test', password: 'sales-ops-password-1' };

let work; // the temporary folder
let server; // the attain demo process
let base; // http://127.0.0.1:PORT
let browser;
const cast = {}; // role -> { email, password, name }
const seen = {}; // ids found on the way: the rep's own id, a teammate's id

/** Starts `attain demo` and resolves with its printed lines once it serves. */
function startDemo(db) {
  return new Promise((ok, fail) => {
    const child = spawn(bin, ['--db', db, 'demo', '--bind', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      // Request logs only when asked for (ATTAIN_LOG=info).
      env: { ...process.env, ATTAIN_LOG: process.env.ATTAIN_LOG || 'warn' },
    });
    const lines = [];
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      fail(new Error(`attain demo did not serve within a minute:\n${lines.join('\n')}`));
    }, 60_000);
    const failed = (e) => {
      clearTimeout(timer);
      fail(e);
    };
    child.on('error', failed);
    child.on('exit', (code) => failed(new Error(`attain demo exited (${code}):\n${lines.join('\n')}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const served = line.match(/^Attain is serving on (http:\/\/\S+)/);
      if (served) {
        clearTimeout(timer);
        ok({ child, lines, url: served[1] });
      }
    });
  });
}

/** Returns a new page in a fresh browser context (its own cookies). */
async function freshPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

/** Signs in through the form and waits for the page it leads to. */
async function signIn(page, who) {
  await page.goto(`${base}/signin`);
  await page.fill('input[name=email]', who.email);
  await page.fill('input[name=password]', who.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.click('button[type=submit]')]);
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** Returns the texts of the first cell of each body row of the page's first table. */
async function firstColumn(page) {
  return page.$$eval('table.grid tbody tr td:first-child', (cells) => cells.map((c) => c.textContent.trim()));
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'attain-browser-'));
  mkdirSync(shots, { recursive: true });
  const db = `sqlite://${join(work, 'demo.db')}`;
  const demo = await startDemo(db);
  server = demo.child;
  base = demo.url;
  for (const line of demo.lines) {
    // "  role  email  password  Name, what to look at"
    const m = line.match(/^ {2}(executive|manager|rep)\s+(\S+@\S+)\s+(\S+)\s+([^,]+)/);
    if (m) cast[m[1]] = { email: m[2], password: m[3], name: m[4].trim() };
  }
  assert.deepEqual(Object.keys(cast).sort(), ['executive', 'manager', 'rep'], demo.lines.join('\n'));
  // Sales operations (for the Admin pages) is not one of the demo's sign-ins: add one.
  execFileSync(bin, ['--db', db, 'user', 'add', '--email', OPS.email, '--role', 'sales_ops'], {
    input: `${OPS.password}\n`,
  });
  browser = await chromium.launch({ executablePath: browserPath, headless: true, args: chromiumFlags });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((ok) => server.once('exit', ok));
    server.removeAllListeners('exit');
    server.kill('SIGTERM');
    await exited;
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('attain demo in Chromium', () => {
  test('a wrong password is refused on the sign-in form', async () => {
    const page = await freshPage();
    await page.goto(`${base}/`);
    assert.match(page.url(), /\/signin\?next=/, 'an anonymous visitor is sent to sign in');
    await page.fill('input[name=email]', cast.rep.email);
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('p.alert');
    assert.match(page.url(), /\/signin/);
    await shot(page, 'signin-refused');
    await page.context().close();
  });

  test('the executive sees the company by territory, everyone, and the accounts', async () => {
    const page = await freshPage();
    await signIn(page, cast.executive);
    assert.equal(await page.textContent('h1'), await page.textContent('a.brand .company'));
    const regions = await page.$$('table.grid tbody a[href*="territory="]');
    assert.ok(regions.length >= 2, 'the company home lists its regions');
    await shot(page, 'home-executive');

    await page.goto(`${base}/territories`);
    const territories = await firstColumn(page);
    assert.ok(territories.length >= 10, `the territory tree: ${territories.length} rows`);
    await shot(page, 'territories');

    await page.goto(`${base}/people`);
    assert.equal((await firstColumn(page)).length, 50, 'a full first page of people');
    assert.match(await page.textContent('main'), /of 60\b/);
    await shot(page, 'people-executive');

    await page.goto(`${base}/accounts`);
    const accounts = await firstColumn(page);
    assert.equal(accounts.length, 50);
    await shot(page, 'accounts');

    // A search (a GET form): the first account's name finds it.
    const name = accounts[0].replace(/\s+key$/, '');
    await page.fill('input[name=q]', name);
    await Promise.all([page.waitForURL(/[?&]q=/), page.click('form.search button')]);
    const found = await firstColumn(page);
    assert.ok(found.length >= 1 && found.every((n) => n.includes(name)), `search for ${name}: ${found}`);

    await Promise.all([page.waitForURL(/\/accounts\/A\d+/), page.click('table.grid tbody a')]);
    assert.match(await page.textContent('h1'), new RegExp(name));
    assert.ok(await page.$('text=Account map'));
    await shot(page, 'account');
    await page.context().close();
  });

  test('the manager sees the team and nothing of sales operations', async () => {
    const page = await freshPage();
    await signIn(page, cast.manager);
    assert.equal(await page.textContent('h1'), 'Your team');
    const team = await firstColumn(page);
    assert.ok(team.length >= 6, `a team of six or more: ${team}`);
    assert.ok(team.some((n) => n.startsWith(cast.rep.name)), `the rep is on the team: ${team}`);
    await shot(page, 'home-manager');

    await page.goto(`${base}/people`);
    const people = await firstColumn(page);
    assert.ok(people.includes(cast.manager.name) && people.some((n) => n.startsWith(cast.rep.name)));
    assert.ok(!people.includes(cast.executive.name), 'the executive is above the manager, not in view');
    await shot(page, 'people-manager');
    // A teammate of the rep, for the rep's 404 below.
    const other = await page.$$eval('table.grid tbody a', (links, rep) =>
      links.filter((a) => a.textContent.trim() !== rep).map((a) => a.getAttribute('href')), cast.rep.name);
    seen.teammate = other.find((href) => href.startsWith('/people/'));
    assert.ok(seen.teammate);

    assert.equal(await page.$('nav.main a[href="/admin/import"]'), null, 'no Admin section');
    const refused = await page.goto(`${base}/admin/import`);
    assert.equal(refused.status(), 403);
    await page.context().close();
  });

  test('the manager opens the team snapshot, a person\'s snapshot, and the records behind a figure', async () => {
    const page = await freshPage();
    await signIn(page, cast.manager);
    await page.goto(`${base}/accounts`);
    await Promise.all([page.waitForURL(/\/pipeline\/team/), page.click('nav.sub a[href="/pipeline/team"]')]);
    assert.match(await page.textContent('h1'), /^Team snapshot: /);
    const names = await page.$$eval('#team tbody a.person', (links) => links.map((a) => a.textContent.trim()));
    assert.ok(names.length >= 6, `a team of six or more: ${names}`);
    assert.ok(await page.$('#rollup'), 'the forecast roll-up');
    await shot(page, 'snapshot-team');

    const rep = names.find((n) => n.startsWith(cast.rep.name));
    assert.ok(rep, `the rep is on the team: ${names}`);
    await Promise.all([
      page.waitForURL(/\/pipeline\/snapshot\/[^/?]+\?/),
      page.click(`#team tbody a.person:text-is("${rep}")`),
    ]);
    assert.match(await page.textContent('h1'), new RegExp(`^${cast.rep.name}: `));
    const figures = await page.$$eval('#figures tbody tr', (rows) => rows.map((r) => r.cells[0].textContent.trim()));
    for (const f of ['Activities', 'Win rate', 'Pipeline velocity (per day)', 'Coverage of objective left']) {
      assert.ok(figures.includes(f), `${f} in ${figures}`);
    }
    assert.ok(await page.$('svg.chart'), 'server-side charts');
    await shot(page, 'snapshot-person');

    await Promise.all([
      page.waitForURL(/\/records\?/),
      page.click('#figures tbody tr:has(td:text-is("Open pipeline")) a.figure'),
    ]);
    assert.equal(await page.textContent('h1'), 'Open pipeline at the as-of day');
    const records = await page.$$('#records tbody tr');
    assert.ok(records.length > 0, 'the open deals behind the figure are listed');
    await shot(page, 'snapshot-records');
    await page.context().close();
  });

  test('the manager opens the team scorecards and a person\'s scorecard', async () => {
    const page = await freshPage();
    await signIn(page, cast.manager);
    await page.goto(`${base}/people`);
    await Promise.all([page.waitForURL(/\/scorecards/), page.click('nav.sub a[href="/scorecards"]')]);
    assert.match(await page.textContent('h1'), /^Team scorecards: /);
    const names = await page.$$eval('#team-scorecards tbody td:first-child a', (links) => links.map((a) => a.textContent.trim()));
    assert.ok(names.length >= 6, `a team of six or more: ${names}`);
    const marks = await page.$$eval('#team-scorecards td[data-mark]', (cells) => cells.map((c) => c.dataset.mark));
    assert.ok(marks.includes('met') && marks.includes('missed'), `some met, some missed: ${marks}`);
    await shot(page, 'scorecards-team');

    const rep = names.find((n) => n.startsWith(cast.rep.name));
    assert.ok(rep, `the rep is on the team: ${names}`);
    await Promise.all([
      page.waitForURL(/\/people\/[^/]+\/scorecard$/),
      page.click(`#team-scorecards tbody a:text-is("${rep}")`),
    ]);
    assert.equal(await page.textContent('h1'), `Scorecard: ${rep}`);
    const rows = await page.$$('#scorecard tbody tr');
    assert.ok(rows.length >= 3, 'one row per expectation of the job');
    assert.ok(await page.$('#scorecard td:has-text("(to date)")'), 'the current period is to date');
    await shot(page, 'scorecard-person');
    await page.context().close();
  });

  test('the manager opens the latest team meeting and sees its agenda pre-filled with figures', async () => {
    const page = await freshPage();
    await signIn(page, cast.manager);
    await Promise.all([page.waitForURL(/\/meetings$/), page.goto(`${base}/meetings`)]);
    assert.equal(await page.textContent('h1'), 'Meetings');
    const latest = await page.$eval('table.grid tbody tr a', (a) => a.getAttribute('href'));
    assert.match(latest, /^\/meetings\//);
    await Promise.all([page.waitForURL(/\/meetings\/[^/]+$/), page.click('table.grid tbody tr a')]);
    const sections = await page.$$eval('section.agenda h3', (hs) => hs.map((h) => h.textContent.trim()));
    assert.deepEqual(sections.slice(0, 1), ['information gathering'], `sections: ${sections}`);
    const items = await page.$$eval('article.item h4', (hs) => hs.map((h) => h.textContent.trim()));
    assert.ok(items.some((t) => t.includes(cast.rep.name)), `the rep reports: ${items}`);
    const figures = await page.$$eval('table.figures th', (ths) => ths.map((t) => t.textContent.trim()));
    for (const f of ['Open pipeline', 'New opportunities', 'Won', 'Bookings to date vs objective']) {
      assert.ok(figures.includes(f), `${f} in ${figures}`);
    }
    await shot(page, 'meeting-manager');
    await page.context().close();
  });

  test('the rep sees their own year only: another person is a 404', async () => {
    const page = await freshPage();
    await signIn(page, cast.rep);
    assert.equal(await page.textContent('h1'), 'Your year');
    assert.ok((await page.$$('svg[role=img]')).length >= 1, 'charts of the year');
    await shot(page, 'home-rep');

    await page.goto(`${base}/people`);
    assert.deepEqual(await firstColumn(page), [cast.rep.name], 'the people list is the rep alone');
    await shot(page, 'people-rep');
    const own = await page.getAttribute('table.grid tbody a', 'href');

    // A teammate found by the manager's test, else the executive (the company's first person).
    const other = seen.teammate || '/people/P00001';
    const missing = await page.goto(`${base}${other}`);
    assert.equal(missing.status(), 404, `${other} is out of the rep's sight`);
    const snapshot = other.replace('/people/', '/pipeline/snapshot/');
    assert.equal((await page.goto(`${base}${snapshot}`)).status(), 404, `${snapshot} too`);

    const mine = await page.goto(`${base}${own}`);
    assert.equal(mine.status(), 200);
    assert.equal(await page.textContent('h1'), cast.rep.name);
    await shot(page, 'person-rep');

    await page.goto(`${base}/accounts`);
    assert.ok((await firstColumn(page)).length >= 1, "the rep's accounts");
    assert.equal((await page.goto(`${base}/admin/audit`)).status(), 403);
    await page.context().close();
  });

  test('a rep creates an API token on the profile page; the same post without its CSRF token is refused', async () => {
    const page = await freshPage();
    await signIn(page, cast.rep);
    await page.goto(`${base}/profile`);
    await page.fill('input[name=name]', 'browser test');
    await Promise.all([page.waitForLoadState('load'), page.click('text=Create a token')]);
    const token = await page.textContent('code.token');
    assert.match(token, /^atn_[0-9a-f]{64}$/);
    seen.token = true;
    assert.ok(await page.$('td:text("browser test")'), 'the token is listed');
    await shot(page, 'profile-token');

    const forged = await page.request.post(`${base}/profile/tokens`, {
      form: { name: 'forged' },
      maxRedirects: 0,
    });
    assert.equal(forged.status(), 403);
    await page.context().close();
  });

  test('the rep opens a key account map, reads its coverage and adds a decision step', async () => {
    const page = await freshPage();
    await signIn(page, cast.rep);
    await page.goto(`${base}/accounts/key`);
    assert.equal(await page.textContent('h1'), 'Key accounts');
    await shot(page, 'key-accounts');
    const maps = await page.$$eval('table.grid tbody a', (links) => links.map((a) => a.getAttribute('href')));
    assert.ok(maps.length >= 1 && maps.every((h) => /^\/accounts\/A\d+\/map$/.test(h)), `key accounts: ${maps}`);

    await page.goto(`${base}${maps[0]}`);
    assert.match(await page.textContent('h1'), /^Account map: /);
    const boxes = await page.$$('svg.orgchart g.contact');
    const rows = await page.$$eval('table.coverage tbody tr td:nth-child(2)', (cells) =>
      cells.map((c) => c.textContent.trim()).filter((t) => !t.startsWith('not mapped')));
    assert.equal(boxes.length, rows.length, 'every contact of the coverage table is drawn once');
    assert.match(await page.textContent('main'), /key roles \(decision maker, economic buyer, champion, technical evaluator\) covered/);
    const steps = (await page.$$('ol.steps > li')).length;
    assert.ok(steps >= 3, `a generated decision process: ${steps} steps`);
    await shot(page, 'account-map');

    await page.fill('input[name=name]', 'Board approval');
    await page.check('fieldset.people input[type=checkbox] >> nth=0');
    await Promise.all([page.waitForLoadState('load'), page.click('text=Save step')]);
    assert.equal((await page.$$('ol.steps > li')).length, steps + 1);
    assert.match(await page.textContent('ol.steps > li:last-child'), /Board approval/);
    await page.context().close();
  });

  test("the rep's agreed territory plan prints on one page of A4 and of Letter", async () => {
    const page = await freshPage();
    await signIn(page, cast.rep);
    await page.goto(`${base}/plan/territory`);
    await Promise.all([page.waitForLoadState('load'), page.click('text=My territory plan')]);
    assert.match(await page.textContent('h1'), /^Territory plan \d{4}: /);
    assert.equal((await page.textContent('h1 .plan-status')).trim(), 'agreed');
    assert.match(await page.textContent('main'), /Major objectives: progress/);
    const maps = await page.$$eval('main table.grid tbody a[href$="/map"]', (links) => links.length);
    assert.ok(maps >= 1, 'key accounts link to their account maps');
    await shot(page, 'territory-plan');
    const plan = new URL(page.url()).pathname;
    for (const [paper, format] of [['a4', 'A4'], ['letter', 'Letter']]) {
      await page.goto(`${base}${plan}/print?paper=${paper}`);
      const pdf = await page.pdf({ format, preferCSSPageSize: true });
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) || []).length;
      assert.equal(pages, 1, `${paper}: the plan prints on exactly one page`);
    }
    await shot(page, 'territory-plan-print');
    const answer = await page.request.get(`${base}${plan}/pdf?paper=a4`);
    assert.equal(answer.status(), 200);
    assert.equal(answer.headers()['content-type'], 'application/pdf');
    const body = (await answer.body()).toString('latin1');
    assert.equal((body.match(/\/Type\s*\/Page(?!s)/g) || []).length, 1);
    await page.context().close();
  });

  test('a rep moves an opportunity to another stage and logs an activity on it', async () => {
    const page = await freshPage();
    await signIn(page, cast.rep);
    await page.goto(`${base}/opportunities?status=open`);
    let links = await page.$$('table.grid tbody td:first-child a');
    if (links.length === 0) {
      await page.goto(`${base}/opportunities`);
      links = await page.$$('table.grid tbody td:first-child a');
    }
    assert.ok(links.length >= 1, "the rep's opportunities are listed");
    await shot(page, 'opportunities-rep');
    await Promise.all([page.waitForURL(/\/opportunities\/[^/]+$/), links[0].click()]);
    const oppUrl = page.url();
    const before = await page.$$eval('h2:text("Stage history") + table tbody tr', (rows) => rows.length);

    await Promise.all([page.waitForURL(/\/edit$/), page.click('text=Edit or move the stage')]);
    const current = await page.$eval('select[name=stage]', (s) => s.value);
    const next = await page.$$eval(
      'select[name=stage] option',
      (options, cur) => options.filter((o) => o.textContent.includes('(open)') && o.value !== cur).map((o) => o.value)[0],
      current,
    );
    assert.ok(next, `another open stage than ${current}`);
    await page.selectOption('select[name=stage]', next);
    await shot(page, 'opportunity-form');
    await Promise.all([page.waitForURL(oppUrl), page.click('button:text("Save")')]);
    const after = await page.$$eval('h2:text("Stage history") + table tbody tr', (rows) => rows.length);
    assert.equal(after, before + 1, 'the stage change is in the history');
    assert.match(await page.textContent('dl.facts'), new RegExp(next.replace(/_/g, ' ')));
    await shot(page, 'opportunity-rep');

    await Promise.all([page.waitForURL(/\/activities\/new/), page.click('text=Log an activity')]);
    await page.selectOption('select[name=type]', 'call');
    await page.fill('input[name=subject]', 'Browser test call');
    await Promise.all([page.waitForURL(/\/activities$/), page.click('button:text("Save")')]);
    assert.ok(await page.$('td:text("Browser test call")'), 'the activity is listed');
    await page.goto(oppUrl);
    assert.match(await page.textContent('main'), /Browser test call/, "on the opportunity's page too");
    await page.context().close();
  });

  test("the rep's SPIFF from their manager is in the team's feed and on this month's statement", async () => {
    const page = await freshPage();
    await signIn(page, cast.rep);
    await page.goto(`${base}/team/recognition`);
    assert.equal(await page.textContent('h1'), 'Recognition');
    const feed = await page.textContent('ul.feed');
    assert.match(feed, /Far ahead of plan this year/);
    assert.match(feed, /SPIFF \$500\.00/);
    await shot(page, 'team-recognition-rep');

    await page.goto(`${base}/people`);
    const own = await page.getAttribute('table.grid tbody a', 'href');
    const now = new Date();
    const statement = await page.goto(`${base}/pay/statements${own.replace('/people', '')}/${now.getUTCFullYear()}/${now.getUTCMonth() + 1}`);
    assert.equal(statement.status(), 200);
    assert.match(await page.textContent('main'), /SPIFF: Far ahead of plan this year/);
    assert.match(await page.textContent('main'), /\$500\.00/);
    await shot(page, 'statement-spiff-rep');

    // A SPIFF is not the rep's to give: the form has no amount, and a forged one is refused.
    await page.goto(`${base}/team/recognition`);
    assert.equal(await page.$('input[name=amount]'), null);
    await page.context().close();
  });

  test('the manager sees the training gaps of the team and the leaderboards', async () => {
    const page = await freshPage();
    await signIn(page, cast.manager);
    await page.goto(`${base}/team/gaps`);
    assert.equal(await page.textContent('h1'), 'Training gaps');
    assert.ok((await firstColumn(page)).length >= 2, 'a row per person of the team');
    await shot(page, 'team-gaps-manager');
    await page.goto(`${base}/team/training`);
    assert.ok((await page.$$('table.grid tbody tr')).length >= 9, 'the catalogue');
    await page.goto(`${base}/team/leaderboards?by=attainment&period=ytd`);
    const ranks = await firstColumn(page);
    assert.equal(ranks[0], '1');
    await shot(page, 'team-leaderboards-manager');
    await page.context().close();
  });

  test('a manager opens the coaching cadence and records a session; the rep reads it without the private note', async () => {
    const page = await freshPage();
    await signIn(page, cast.manager);
    await Promise.all([page.waitForURL(/\/coaching$/), page.click('nav.main a:text("Coaching")')]);
    assert.match(await page.textContent('h1'), /Coaching cadence/);
    const team = await page.$$eval('#cadence tbody tr', (rows) => rows.length);
    assert.ok(team >= 1, 'one row per person of the team');
    assert.match(await page.textContent('#cadence'), /\d+ days\)/, 'days since real sessions');
    await shot(page, 'coaching-cadence');

    const row = page.locator('#cadence tbody tr', { has: page.locator(`a:text-is("${cast.rep.name}")`) });
    await Promise.all([page.waitForURL(/\/coaching\/sessions\/new/), row.locator('a:text("Record")').click()]);
    await page.selectOption('select[name=kind]', 'call_debrief');
    await page.fill('textarea[name=what_happened]', 'Browser test: the demo ran long');
    await page.fill('textarea[name=do_better]', 'Ask for a dated next step');
    await page.fill('textarea[name=shared_notes]', 'Browser test shared note');
    await page.fill('textarea[name=private_notes]', 'Browser test PRIVATE note');
    await page.selectOption('select[name="rating.discovery"]', '4');
    await page.locator('input[name=action_description]').first().fill('Browser test action');
    await shot(page, 'coaching-form');
    await Promise.all([page.waitForURL(/\/coaching\/sessions\/S-\d+$/), page.click('button:text("Save the session")')]);
    const sessionUrl = page.url();
    const shown = await page.textContent('main');
    assert.match(shown, /Browser test PRIVATE note/, 'the coach reads their private note');
    assert.match(shown, /Browser test action/);
    await shot(page, 'coaching-session');
    await page.context().close();

    const rep = await freshPage();
    await signIn(rep, cast.rep);
    await rep.goto(sessionUrl);
    const mine = await rep.content();
    assert.match(mine, /Browser test shared note/);
    assert.ok(!mine.includes('PRIVATE note'), 'the private note is nowhere in the rep\'s page');
    await rep.fill('textarea[name=reflection]', 'Browser test reflection');
    await Promise.all([rep.waitForURL(sessionUrl), rep.click('button:text("Save my reflection")')]);
    assert.match(await rep.textContent('textarea[name=reflection]'), /Browser test reflection/);
    await rep.context().close();
  });

  test('sales operations reads the import page and the audit log', async () => {
    const page = await freshPage();
    await signIn(page, OPS);
    await page.goto(`${base}/admin/import`);
    assert.equal(await page.textContent('h1'), 'Data import');
    assert.match(await page.textContent('main'), /attain demo/, 'the demo import is listed');
    await shot(page, 'import');

    await page.goto(`${base}/admin/audit`);
    assert.equal(await page.textContent('h1'), 'Audit log');
    const log = await page.textContent('main');
    assert.match(log, /attain demo/, "the demo's import, month closes and sign-ins");
    if (seen.token) assert.match(log, /api_token/, "the rep's new token is audited");
    await shot(page, 'audit');
    await page.context().close();
  });
  test('sales operations takes in a CRM export through the mapping page; a second upload changes nothing', async () => {
    const page = await freshPage();
    await signIn(page, OPS);
    await page.goto(`${base}/accounts`);
    const href = await page.getAttribute('table.grid tbody tr td:first-child a', 'href');
    const account = decodeURIComponent(href.split('/').pop());
    const csv =
      '\ufeff"Deal Reference","Deal","Customer ID","Rep","Phase","Value","Opened","Expected Close"\r\n' +
      `"CRM-BROWSER-1","Browser deal, phase one","${account}","${cast.rep.email}","Negotiation/Review","$1,234.50","11/01/2026","12/31/2026"\r\n` +
      '\r\n"Total","","","","","$1,234.50"\r\n';
    const upload = async () => {
      await page.goto(`${base}/admin/crm-import`);
      assert.equal(await page.textContent('h1'), 'CRM import');
      await page.setInputFiles('input[type=file]', {
        name: 'pipeline.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      });
      await Promise.all([page.waitForURL(/\/admin\/crm-import\/[0-9a-f]+$/), page.click('text=Upload and map columns')]);
    };

    await upload();
    assert.match(await page.textContent('main'), /Guessed from the column names/);
    const columns = {
      opportunity_id: 'Deal Reference',
      name: 'Deal',
      account_id: 'Customer ID',
      owner: 'Rep',
      stage: 'Phase',
      amount: 'Value',
      created_date: 'Opened',
      close_date: 'Expected Close',
    };
    for (const [field, column] of Object.entries(columns)) {
      await page.selectOption(`select[name="col.${field}"]`, column);
    }
    await shot(page, 'crm-mapping');
    await Promise.all([page.waitForURL(/\/preview$/), page.click('text=Preview the import')]);
    assert.match(await page.textContent('main'), /Nothing is written until you confirm/);
    assert.match(await page.textContent('main'), /CRM-BROWSER-1/);
    await shot(page, 'crm-preview');
    await Promise.all([page.waitForURL(/\/import$/), page.click('main button:text-is("Import")')]);
    assert.match(await page.textContent('main'), /Imported\./);

    // The same export again: the mapping is remembered and nothing changes.
    await upload();
    assert.match(await page.textContent('main'), /Remembered for this report/);
    assert.equal(await page.inputValue('select[name="col.opportunity_id"]'), 'Deal Reference');
    await Promise.all([page.waitForURL(/\/preview$/), page.click('text=Preview the import')]);
    assert.match(await page.textContent('main'), /importing changes nothing/);
    await Promise.all([page.waitForURL(/\/import$/), page.click('main button:text-is("Import")')]);
    assert.match(await page.textContent('main'), /Nothing changed/);
    await page.context().close();
  });
});
