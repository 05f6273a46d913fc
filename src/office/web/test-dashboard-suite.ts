/**
 * The dashboard in-process on a real domain over SQLite: rides arrive as wire events, and
 * each page shows them the way staff need; the forms change what they say and leave an
 * audit row. Cookies, CSRF and roles are the security test's subject; here they are valid.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OfficeStore } from '../store/index.js';
import { jst, wireJournal } from '../domain/test-support.js';
import type { Signed, TestWeb } from './test-web.js';
import { openTestWeb, TEST_COUNTER_TOKEN } from './test-web.js';

/** Every dashboard test, on the store `open` gives (SQLite in unit tests, PostgreSQL in CI). */
export function describeDashboard(name: string, open: () => Promise<OfficeStore>): void {
  describe(`the dashboard on ${name}`, () => {
    let t: TestWeb;
    let supervisor: Signed;

    const ride = (rideId: string, cardId: string, subsidyYen: number) => ({
      rideId,
      riders: [{ cardId, programmeId: '102016-1', units: 1, subsidyYen }],
      totalSubsidyYen: subsidyYen,
      cashToCollectYen: 1500 - subsidyYen,
    });

    beforeEach(async () => {
      t = await openTestWeb({ store: await open(), start: jst('2025-04-10 10:00') });
      await t.domain.registry.seed({ companies: [{ company: 'akagi-kotsu', name: '赤城交通' }], terminals: [{ terminal: 'taxi-7', kind: 'taxi', company: 'akagi-kotsu', label: '7号車' }] });
      const j = wireJournal('taxi-7', 'test-city');
      j.append('ride-closed', ride('taxi-7-r1', 'AAAAAAAAAAAAAAA1', 750), jst('2025-04-09 15:00'));
      j.append('ride-closed', ride('taxi-7-r2', 'AAAAAAAAAAAAAAA2', 1000), jst('2025-04-10 09:30'));
      await t.store.ingestBatch(j.batch(), t.now());
      await t.store.recordStatus('test-city', 'taxi-7', { v: 1, terminal: 'taxi-7', online: true, versions: { denyList: 0, config: 0, keys: 1, software: '0.1.0' }, backlog: 3, lastSeq: 2, clock: { now: t.now() }, at: t.now() }, t.now());
      supervisor = await t.signIn('supervisor', 'suzuki');
    });
    afterEach(async () => {
      await t.close();
    });

    const get = async (path: string, who: Signed = supervisor) => {
      const res = await t.request(path, { cookie: who.cookie });
      return { status: res.status, text: await res.text(), res };
    };
    const post = (path: string, form: Record<string, string>, who: Signed = supervisor) => t.request(path, { cookie: who.cookie, form: { _csrf: who.csrf, ...form } });
    const lastAudit = async () => (await t.core.staff.audit.list({ limit: 1 }))[0];

    describe('the overview', () => {
      it("shows today's rides and subsidy, terminals online, the backlog and a chart of 30 days", async () => {
        const { status, text } = await get('/');
        expect(status).toBe(200);
        expect(text).toMatch(/本日の乗車[\s\S]*1 回/);
        expect(text).toContain('¥1,000');
        expect(text).toMatch(/オンラインの端末[\s\S]*1 \/ 1/);
        expect(text).toMatch(/未送信[\s\S]*3 件/);
        expect(text).toContain('<svg class="chart"');
        expect(text.match(/<rect class="bar/g)).toHaveLength(30);
        expect(text).toContain('4/9 乗車 1回・助成 ¥750');
        expect(text).toContain('4/10 乗車 1回・助成 ¥1,000');
      });
    });

    describe('companies', () => {
      it('lists the month per company with its figures and links to the statement and the CSV', async () => {
        const { text } = await get('/companies?month=2025-04');
        expect(text).toContain('赤城交通');
        expect(text).toMatch(/<td class="num">2<\/td>/);
        expect(text).toContain('¥1,750');
        expect(text).toContain('/payments.csv?month=2025-04');
        expect(text).toContain('/companies/akagi-kotsu/statement?month=2025-04');
      });

      it('sends the payment CSV as UTF-8 with a BOM for Excel, and audits the download', async () => {
        const res = await t.request('/payments.csv?month=2025-04', { cookie: supervisor.cookie });
        expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(res.headers.get('content-disposition')).toBe('attachment; filename="payment-2025-04.csv"');
        const bytes = new Uint8Array(await res.arrayBuffer());
        expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
        expect(text).toMatch(/^\uFEFF対象月,事業者コード,事業者名/);
        expect(text).toContain('2025-04,akagi-kotsu,赤城交通,2,2,1750');
        expect(await lastAudit()).toMatchObject({ action: 'payments.csv', target: '2025-04', actor: 'suzuki' });
      });

      it('prints a statement per company and lists its rides in the detail CSV', async () => {
        const statement = await get('/companies/akagi-kotsu/statement?month=2025-04');
        expect(statement.text).toContain('精算明細書');
        expect(statement.text).toContain('赤城交通');
        expect(statement.text).toContain('data-print');
        const detail = await get('/companies/akagi-kotsu/detail.csv?month=2025-04');
        expect(detail.text).toContain('taxi-7-r1');
        expect(detail.text).toContain('taxi-7-r2');
        const rides = await get('/companies/akagi-kotsu/rides?month=2025-04');
        expect(rides.text).toContain('taxi-7-r2');
      });

      it('answers a bad month with a 400 page in Japanese', async () => {
        const { status, text } = await get('/companies?month=2025-13');
        expect(status).toBe(400);
        expect(text).toContain('対象月「2025-13」が正しくありません');
      });

      it('is not for clerks', async () => {
        const clerk = await t.signIn('clerk');
        expect((await get('/companies', clerk)).status).toBe(403);
        expect((await get('/', clerk)).status).toBe(200);
      });
    });

    describe('anomalies', () => {
      it('are listed and a supervisor acknowledges one with a comment, in the audit log', async () => {
        await t.store.recordAnomaly({ terminal: 'taxi-7', org: 'test-city', kind: 'gap', seq: 5, fingerprint: '5-6', detail: { firstSeq: 5, lastSeq: 6 }, detectedAt: t.now() });
        const list = await get('/anomalies');
        expect(list.text).toContain('記録の欠落');
        const id = /href="\/anomalies\/(\d+)"/.exec(list.text)?.[1] ?? '';
        expect((await get(`/anomalies/${id}`)).text).toContain('確認済みにする');
        expect((await post(`/anomalies/${id}/acknowledge`, { comment: '' })).status).toBe(400);
        const res = await post(`/anomalies/${id}/acknowledge`, { comment: '端末の再送で解消' });
        expect(res.status).toBe(303);
        const page = await get(`/anomalies/${id}`);
        expect(page.text).toContain('確認済み');
        expect(page.text).toContain('端末の再送で解消');
        expect(await lastAudit()).toMatchObject({ action: 'anomaly.acknowledge', outcome: 'ok', detail: { kind: 'gap', comment: '端末の再送で解消' } });
        expect((await get('/anomalies?state=open')).text).not.toContain(`/anomalies/${id}"`);
      });
    });

    describe('residents, issuance and revocation', () => {
      it('registers a resident, finds them, orders a grant for a counter station, sees it written and revokes the card', async () => {
        const clerk = await t.signIn('clerk', 'tanaka');
        const created = await post('/residents', { residentNo: 'R-0001', name: '前橋 花子', nameKana: 'まえばし はなこ', address: '前橋市大手町1-1', eligibility: 'age-75-plus', note: '' }, clerk);
        expect(created.status).toBe(303);
        const residentPath = created.headers.get('location') ?? '';
        expect(residentPath).toMatch(/^\/residents\/\d+$/);
        const found = await get('/cards?q=花子', clerk);
        expect(found.text).toContain('R-0001');
        expect(await lastAudit()).toMatchObject({ action: 'card.search', target: '花子', detail: { results: 1 } });

        const residentId = residentPath.split('/').at(-1) ?? '';
        expect((await post(`/residents/${residentId}`, { name: '前橋 花子', nameKana: 'まえばし はなこ', address: '前橋市本町2-2', eligibility: 'age-75-plus', note: '転居' }, clerk)).status).toBe(303);
        expect(await lastAudit()).toMatchObject({ action: 'resident.update', detail: { changed: ['address', 'note'] } });
        expect((await get(residentPath, clerk)).text).toContain('前橋市本町2-2');
        const form = await get(`/issue?resident=${residentId}`, clerk);
        expect(form.text).toContain('前橋 花子');
        const ordered = await post('/issue', { residentId, kind: 'new', programmeId: '102016-1', topUp: '0', station: 'counter-1' }, clerk);
        expect(ordered.status).toBe(303);
        const orderPath = ordered.headers.get('location') ?? '';
        expect((await get(orderPath, clerk)).text).toContain('カード待ち');

        const cardsRes = await t.web.app.request('/api/counter/cards', { method: 'POST', headers: { Authorization: `Bearer ${TEST_COUNTER_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ station: 'counter-1', cardId: '0123456789ABCDEF', programmes: [] }) });
        const answer = (await cardsRes.json()) as { kind: string; orderId: number; grants: unknown[] };
        expect(answer).toMatchObject({ kind: 'grants', grants: [expect.objectContaining({ programmeId: '102016-1', amount: 70 })] });
        const written = await t.web.app.request(`/api/counter/orders/${answer.orderId}/written`, { method: 'POST', headers: { Authorization: `Bearer ${TEST_COUNTER_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ station: 'counter-1', cardId: '0123456789ABCDEF', ok: true }) });
        expect(written.status).toBe(200);
        expect((await get(orderPath, clerk)).text).toContain('書き込み完了');
        const resident = await get(residentPath, clerk);
        expect(resident.text).toContain('0123456789ABCDEF');
        expect(resident.text).toContain('新規交付');

        const revoked = await post('/revoke', { cardId: '0123456789abcdef', reason: 'lost', note: '窓口で届出' });
        expect(revoked.status).toBe(200);
        const text = await revoked.text();
        expect(text).toContain('失効リスト第1版に追加しました');
        expect(await lastAudit()).toMatchObject({ action: 'card.revoke', target: '0123456789ABCDEF', detail: { reason: 'lost', version: 1 } });
        expect((await get(residentPath)).text).toContain('失効');
      });
    });

    describe('month close', () => {
      it('closes an ended month after confirmation, and locks it', async () => {
        expect((await get('/months')).text).not.toContain('/months/2025-04/close');
        t.advance(30 * 86_400_000);
        supervisor = await t.signIn('supervisor');
        expect((await get('/months')).text).toContain('/months/2025-04/close');
        const confirm = await get('/months/2025-04/close');
        expect(confirm.text).toContain('再計算一致');
        expect((await post('/months/2025-04/close', {})).status).toBe(400);
        const res = await post('/months/2025-04/close', { confirm: 'yes' });
        expect(res.status).toBe(303);
        expect((await get('/months')).text).toMatch(/2025年4月[\s\S]*確定/);
        expect(await lastAudit()).toMatchObject({ action: 'month.close', target: '2025-04', outcome: 'ok', actor: supervisor.account.username });
        expect((await post('/months/2025-04/close', { confirm: 'yes' })).status).toBe(409);
        expect((await get('/months/2025-04/verify')).text).toContain('一致');
      });
    });

    describe('the registry and the issuer key', () => {
      it('registers a company and a terminal, whose rides then clear under that company', async () => {
        expect((await post('/registry/companies', { company: 'tone-taxi', name: '利根タクシー' })).status).toBe(303);
        expect((await post('/registry/terminals', { terminal: 'taxi-7', kind: 'taxi', company: 'tone-taxi', label: '7号車' })).status).toBe(303);
        expect((await get('/registry')).text).toContain('利根タクシー');
        expect((await get('/companies?month=2025-04')).text).toMatch(/利根タクシー[\s\S]*¥1,750/);
        expect(await lastAudit()).toMatchObject({ action: 'registry.terminal', target: 'taxi-7', detail: { company: 'tone-taxi' } });
        expect((await post('/registry/terminals', { terminal: 'bad id', kind: 'taxi' })).status).toBe(400);
      });

      it('lets an administrator rotate the issuer key, audited', async () => {
        const admin = await t.signIn('admin');
        expect((await get('/keys', admin)).text).toContain('現在の鍵');
        expect((await post('/keys/rotate', {}, admin)).headers.get('location')).toBe('/keys?done=rotated');
        const page = (await get('/keys', admin)).text;
        expect(page.match(/<td class="num">\d+<\/td>/g)).toHaveLength(2);
        expect(await lastAudit()).toMatchObject({ action: 'keys.rotate', target: 'issuer key 2' });
        expect((await get('/keys')).status).toBe(403);
      });
    });

    describe('terminals, attendance and the audit log', () => {
      it('lists terminals with their company, state and backlog', async () => {
        const { text } = await get('/terminals');
        expect(text).toContain('taxi-7');
        expect(text).toContain('akagi-kotsu');
        expect(text).toContain('オンライン');
      });

      it('shows attendance for a day and its CSV', async () => {
        expect((await get('/attendance?from=2025-04-10')).text).toContain('入退館記録はありません');
        const csv = await t.request('/attendance.csv?from=2025-04-10&to=2025-04-10', { cookie: supervisor.cookie });
        expect([...new Uint8Array(await csv.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        expect((await get('/attendance?from=2025-04-10&to=2025-01-01')).status).toBe(400);
      });

      it('lets auditors read the audit log and every page, and nobody edit it', async () => {
        const auditor = await t.signIn('auditor');
        await get('/payments.csv?month=2025-04');
        const log = await get('/audit', auditor);
        expect(log.status).toBe(200);
        expect(log.text).toContain('支払CSV出力');
        for (const path of ['/', '/companies', '/anomalies', '/cards', '/months', '/attendance', '/terminals']) expect((await get(path, auditor)).status, path).toBe(200);
        expect(t.web.app.routes.filter((r) => r.path.startsWith('/audit') && r.method !== 'GET')).toEqual([]);
      });
    });

  });
}
