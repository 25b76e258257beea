/**
 * The citizens' case pages over in-process HTTP on a real database: applying online (multipart, files
 * streamed to the blob store), my applications and messages, one case with withdraw / upload / rate,
 * and tracking by number with its rating. Staff steps go through the cases module's functions.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDistrict } from '../../../test/support/org-units.js';
import { makePerson } from '../../../test/support/people.js';
import { itemCode, publishTestItem } from '../../../test/support/portal.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { grantRole } from '../../modules/access/index.js';
import { act, type CaseDetail, getCase, listOwnCases, trackThrottle } from '../../modules/cases/index.js';
import { assignPost, createPerson, upsertOrgUnits } from '../../modules/directory/index.js';
import { openSession, registerCitizen, sessionAuthenticator, sessionCookie } from '../../modules/identity/index.js';
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import { residentIdCheckCharacter } from '../../platform/identifiers/resident-id.js';
import { casePages } from './case-pages.routes.js';
import { CASES_CSS_VERSION } from './cases.css.js';
import type { CasePagesDeps } from './cases-pages.deps.js';
import { servicePages } from './services.routes.js';

const MAX_UPLOAD_BYTES = 4096;
/** Lookups one address may make here: more than the tests below make from the default address. */
const TRACK_MAX = 10;
const ONLINE_ITEM = itemCode(1);
const OFFLINE_ITEM = itemCode(2);
const material = (nameZh: string, electronicAccepted: boolean, required = true) => ({
  nameZh,
  nameEn: `${nameZh} (en)`,
  form: 'original' as const,
  copies: 1,
  electronicAccepted,
  required,
  sampleSha256: null,
  note: null,
});
/** Three materials: an application that may come as a file, a licence on paper only, and an optional plan. */
const MATERIALS = [
  material('食品经营许可申请书', true),
  material('营业执照', false),
  material('经营场所平面图', true, false),
];

let platform: TestPlatform;
let deps: CasePagesDeps;
const db = () => platform.runtime.database.kysely;

let sequence = 0;
function newResidentId(): string {
  sequence += 1;
  const first17 = `44030519800101${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

interface Citizen {
  id: string;
  residentId: string;
  cookie: string;
}

async function newCitizen(name: string): Promise<Citizen> {
  const residentId = newResidentId();
  const account = await registerCitizen(
    platform.runtime.database,
    { residentId, name, mobile: `1771000${String(sequence).padStart(4, '0')}`, password: 'Spring-rain-2025' },
    { ip: '127.0.0.1' },
    { registrationLimit: { max: 1000, windowMs: 60_000 } },
  );
  const { token } = await openSession(db(), {
    subjectKind: 'public',
    subjectId: account.id,
    ip: '127.0.0.1',
    userAgent: null,
    secondFactor: false,
  });
  return { id: account.id, residentId, cookie: sessionCookie(token, { secure: false }).split(';')[0]! };
}

let chen: Citizen;
let li: Citizen;
let approverId: string;
const APPROVER_NAME = '审批科长王五';

beforeAll(async () => {
  platform = await createTestPlatform({
    routes: (runtime) => {
      deps = {
        database: runtime.database,
        policy: runtime.policy,
        calendar: runtime.calendar,
        blobs: runtime.blobs,
        clock: () => new Date(),
        warnDays: 2,
        followUpDays: 5,
        maxUploadBytes: MAX_UPLOAD_BYTES,
        throttleTracking: trackThrottle({ max: TRACK_MAX, windowMs: 60_000 }),
      };
      return [casePages(deps), servicePages({ database: runtime.database })];
    },
  });
  platform.runtime.authenticators.push(sessionAuthenticator(platform.runtime.database));
  await upsertOrgUnits(db(), smallDistrict());
  await publishTestItem(platform, ONLINE_ITEM, {
    materials: MATERIALS,
    channels: { online: true, anyCentre: true, centreCodes: [] },
  });
  await publishTestItem(platform, OFFLINE_ITEM, {
    nameZh: '窗口事项',
    materials: MATERIALS,
    channels: { online: false, anyCentre: true, centreCodes: [] },
  });
  const acting = { actor: SYSTEM_ACTOR, policy: platform.runtime.policy };
  const approver = await createPerson(db(), makePerson({ name: APPROVER_NAME }), acting);
  await assignPost(db(), approver.id, { orgUnitCode: 'XD1', title: '科长', validFrom: '2024-01-01' }, acting);
  await grantRole(
    db(),
    { actor: SYSTEM_ACTOR },
    { roleCode: 'platform.case_approver', grantee: { kind: 'person', personId: approver.id }, scopeOrgUnitCode: 'XD1' },
  );
  approverId = approver.id;
  chen = await newCitizen('陈静');
  li = await newCitizen('李雷');
  await platform.app.ready();
});
afterAll(() => platform.close());

const get = (url: string, cookie?: string) => platform.app.inject({ url, headers: cookie ? { cookie } : {} });
const postForm = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  platform.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });

type Part = { name: string; value: string } | { name: string; filename: string; type: string; content: Buffer };

/** A multipart/form-data body in the order given, as a browser sends a form. */
function multipart(parts: Part[]) {
  const boundary = '----huitongtestboundary7d93';
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      'filename' in part
        ? `form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type}`
        : `form-data; name="${part.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push('filename' in part ? part.content : Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

const postMultipart = (url: string, parts: Part[], cookie: string, headers: Record<string, string> = {}) => {
  const { payload, contentType } = multipart(parts);
  return platform.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': contentType, cookie, ...headers },
  });
};

const GOOD_FIELDS: Part[] = [
  { name: 'applicant.name', value: '陈静' },
  { name: 'openingDate', value: '2026-03-01' },
  { name: 'seats', value: '12' },
  { name: 'chain', value: 'true' },
  { name: 'mobile', value: '' },
];
const PDF = Buffer.from('%PDF-1.7 申请书 test content');
const file = (name: string, bytes: Buffer, filename = 'a.pdf'): Part => ({
  name,
  filename,
  type: 'application/pdf',
  content: bytes,
});
const emptyFile = (name: string): Part => ({
  name,
  filename: '',
  type: 'application/octet-stream',
  content: Buffer.alloc(0),
});

/** Applies through the page and answers the new case as its owner sees it. */
async function applyThroughPage(citizen: Citizen): Promise<CaseDetail> {
  const response = await postMultipart(
    `/services/${ONLINE_ITEM}/apply`,
    [...GOOD_FIELDS, file('material-0', PDF), emptyFile('material-2'), emptyFile('extra')],
    citizen.cookie,
  );
  expect(response.statusCode).toBe(303);
  const id = /^\/account\/cases\/([0-9a-f-]{36})\?notice=submitted$/.exec(String(response.headers.location))?.[1];
  expect(id).toBeDefined();
  return getCase(db(), { kind: 'public', accountId: citizen.id }, id!, deps);
}

/** Takes a case from 受理 to 办结 as the department's approver (accept, review, grant, complete). */
async function complete(id: string): Promise<CaseDetail> {
  const staff = { kind: 'staff' as const, personId: approverId };
  let detail = await getCase(db(), staff, id, deps);
  detail = await act(db(), staff, id, 'accept', { version: detail.version, opinion: '材料齐全，予以受理' }, deps);
  detail = await act(db(), staff, id, 'advance', { version: detail.version, opinion: '内部审查意见：同意' }, deps);
  detail = await act(
    db(),
    staff,
    id,
    'decide',
    { version: detail.version, decision: 'granted', opinion: '准予' },
    deps,
  );
  return act(db(), staff, id, 'complete', { version: detail.version, resultNumber: 'JY12345' }, deps);
}

const count = (text: string, part: string) => text.split(part).length - 1;
function expectAccessiblePage(body: string) {
  expect(body).toMatch(/^<!doctype html>\n<html lang="(zh-CN|en)">/);
  expect(count(body, '<h1')).toBe(1);
  expect(body).not.toMatch(/<script|\son[a-z]+=|style="/i);
  expect(body).toContain(`/assets/cases.css?v=${CASES_CSS_VERSION}`);
  for (const [, id] of body.matchAll(/<(?:input|select|textarea)(?![^>]*type="hidden")[^>]* id="([^"]+)"/g)) {
    expect(body).toContain(`for="${id}"`);
  }
}

describe('applying online', () => {
  it('sends an anonymous visitor to sign in, to come back to the form', async () => {
    const response = await get(`/services/${ONLINE_ITEM}/apply`);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(
      `/account/signin?next=${encodeURIComponent(`/services/${ONLINE_ITEM}/apply`)}`,
    );
    const post = await postMultipart(`/services/${ONLINE_ITEM}/apply`, GOOD_FIELDS, '');
    expect(post.statusCode).toBe(303);
  });

  it('shows one multipart form: the schema’s fields, then a file input per electronic material', async () => {
    const response = await get(`/services/${ONLINE_ITEM}/apply`, chen.cookie);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const { body } = response;
    expectAccessiblePage(body);
    expect(body).toContain('<h1>在线申请：食品经营许可（新办）</h1>');
    expect(body).toContain('申请人为当前登录的账号：陈静');
    expect(body).toContain(
      `<form class="case-form" method="post" action="/services/${ONLINE_ITEM}/apply" enctype="multipart/form-data" novalidate>`,
    );
    expect(body).toContain('<label for="f-applicant-name">姓名<span class="required-mark">（必填）</span></label>');
    expect(body).toContain('<input type="date" id="f-openingDate" name="openingDate" value="" required>');
    expect(body).toContain('<input type="file" id="f-material-0" name="material-0" aria-describedby="materials-hint">');
    expect(body).toContain('<input type="file" id="f-material-2" name="material-2"');
    expect(body).not.toContain('name="material-1"');
    expect(body).toContain('营业执照：不接受电子材料，请交纸质材料（原件，1 份）。');
    expect(body).toContain('每个文件不超过 4 KB');
    // The fields come before the first file, so the case exists when the files arrive.
    expect(body.indexOf('name="openingDate"')).toBeLessThan(body.indexOf('type="file"'));
    expect(body).toContain('<li><a href="/track">办件查询</a></li>');
  });

  it('links the form from the item’s page when it can be handled online', async () => {
    expect((await get(`/services/${ONLINE_ITEM}`)).body).toContain(
      `<a class="apply-link" href="/services/${ONLINE_ITEM}/apply">在线申请</a>`,
    );
    expect((await get(`/services/${OFFLINE_ITEM}`)).body).not.toContain('class="apply-link"');
  });

  it('creates the case, streams the file into the blob store and shows its number', async () => {
    const detail = await applyThroughPage(chen);
    expect(detail.status).toBe('submitted');
    expect(detail.channel).toBe('online');
    expect(detail.form).toEqual({ applicant: { name: '陈静' }, openingDate: '2026-03-01', seats: 12, chain: true });
    expect(detail.materials).toHaveLength(1);
    const sha256 = createHash('sha256').update(PDF).digest('hex');
    expect(detail.materials[0]).toMatchObject({ materialIndex: 0, filename: 'a.pdf', sha256, bytes: PDF.length });
    expect(await platform.runtime.blobs.stat(sha256)).toEqual({ size: PDF.length });

    const page = await get(`/account/cases/${detail.id}?notice=submitted`, chen.cookie);
    expect(page.statusCode).toBe(200);
    expectAccessiblePage(page.body);
    expect(page.body).toContain(`申请已提交。办件编号：${detail.number}。`);
    expect(page.body).toMatch(/<tr><th scope="row">食品经营许可申请书<\/th><td>是<\/td><td>已收取<\/td><\/tr>/);
    expect(page.body).toMatch(/<tr><th scope="row">营业执照<\/th><td>是<\/td><td>未收取<\/td><\/tr>/);
  });

  it('re-renders a refused form with each error beside its field and every value kept, creating nothing', async () => {
    const before = await listOwnCases(db(), li.id, { limit: 100, offset: 0 }, deps);
    const response = await postMultipart(
      `/services/${ONLINE_ITEM}/apply`,
      [
        { name: 'applicant.name', value: '<b>李雷</b>' },
        { name: 'openingDate', value: '' },
        { name: 'seats', value: '-3' },
        { name: 'mobile', value: '123' },
        file('material-0', PDF),
      ],
      li.cookie,
    );
    expect(response.statusCode).toBe(422);
    const { body } = response;
    expectAccessiblePage(body);
    expect(body).toContain('role="alert"');
    expect(body).toContain('<li><a href="#f-openingDate">开业日期：请填写此项。</a></li>');
    expect(body).toContain('<p class="field-error" id="f-openingDate-error">错误：请填写此项。</p>');
    expect(body).toContain(
      '<input type="date" id="f-openingDate" name="openingDate" value="" aria-describedby="f-openingDate-error" aria-invalid="true" required>',
    );
    expect(body).toMatch(
      /id="f-seats" name="seats" value="-3"[^>]*aria-describedby="f-seats-error" aria-invalid="true"/,
    );
    expect(body).toContain('value="&lt;b&gt;李雷&lt;/b&gt;"');
    expect(body).toMatch(
      /id="f-mobile" name="mobile"[^>]*aria-describedby="f-mobile-hint f-mobile-error" aria-invalid="true"[^>]*value="123"/,
    );
    expect(body).toContain('浏览器不会保留已选择的文件，请重新选择。');
    const after = await listOwnCases(db(), li.id, { limit: 100, offset: 0 }, deps);
    expect(after.total).toBe(before.total);
  });

  it('keeps the case when a file is over the limit, stores nothing of that file and says so on its page', async () => {
    const tooBig = Buffer.alloc(MAX_UPLOAD_BYTES + 1, 7);
    const response = await postMultipart(
      `/services/${ONLINE_ITEM}/apply`,
      [...GOOD_FIELDS, file('material-0', tooBig), file('material-2', PDF, 'plan.pdf')],
      li.cookie,
    );
    expect(response.statusCode).toBe(303);
    const location = String(response.headers.location);
    expect(location).toMatch(/\?notice=materials_too_large$/);
    const id = location.split('/')[3]!.split('?')[0]!;
    const detail = await getCase(db(), { kind: 'public', accountId: li.id }, id, deps);
    expect(detail.materials).toEqual([]);
    expect(await platform.runtime.blobs.stat(createHash('sha256').update(tooBig).digest('hex'))).toBeUndefined();
    const page = await get(location, li.cookie);
    expect(page.body).toContain('但有文件未能上传：文件过大。');
    expect(page.body).toContain('<h2 id="upload-heading">上传材料</h2>');
  });

  it('refuses an item that cannot be handled online, an unknown item and a post from another site', async () => {
    expect((await get(`/services/${OFFLINE_ITEM}/apply`, chen.cookie)).statusCode).toBe(409);
    expect((await get('/services/11110105MB0000000X-0199999000/apply', chen.cookie)).statusCode).toBe(404);
    const crossSite = await postMultipart(`/services/${ONLINE_ITEM}/apply`, GOOD_FIELDS, chen.cookie, {
      origin: 'https://evil.example',
    });
    expect(crossSite.statusCode).toBe(403);
  });
});

describe('my applications and messages', () => {
  it('sends an anonymous visitor to sign in', async () => {
    const response = await get('/account/cases');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/account/signin?next=%2Faccount%2Fcases');
  });

  it('lists only the account’s own cases, with messages that can be marked read', async () => {
    const mine = await applyThroughPage(chen);
    const theirs = await applyThroughPage(li);
    await complete(mine.id);
    const response = await get('/account/cases', chen.cookie);
    expect(response.statusCode).toBe(200);
    const { body } = response;
    expectAccessiblePage(body);
    expect(body).toContain(`<a class="case-number" href="/account/cases/${mine.id}">${mine.number}</a>`);
    expect(body).not.toContain(theirs.number);
    expect(body).toContain('<td>已办结</td>');
    expect(body).toMatch(/<span class="new-mark">\d+ 条未读<\/span>/);
    expect(body).toContain(`办件 ${mine.number}</a>：受理</li>`);
    expect(body).toContain(`办件 ${mine.number}</a>：办结</li>`);
    const upTo = /<input type="hidden" name="upTo" value="(\d+)">/.exec(body)?.[1];
    expect(upTo).toBeDefined();

    const read = await postForm('/account/notifications/read', { upTo: upTo! }, { cookie: chen.cookie });
    expect(read.statusCode).toBe(303);
    const after = await get(read.headers.location as string, chen.cookie);
    expect(after.body).toContain('消息已全部标为已读。');
    expect(after.body).not.toContain('条未读');
  });

  it('refuses another account’s case as not found', async () => {
    const theirs = await applyThroughPage(li);
    const response = await get(`/account/cases/${theirs.id}`, chen.cookie);
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('<h1>找不到该办件</h1>');
    expect(response.body).not.toContain(theirs.number);
    const withdraw = await postForm(
      `/account/cases/${theirs.id}/withdraw`,
      { version: String(theirs.version), reason: '不想办了' },
      { cookie: chen.cookie },
    );
    expect(withdraw.statusCode).toBe(404);
    expect((await getCase(db(), { kind: 'public', accountId: li.id }, theirs.id, deps)).status).toBe('submitted');
    expect((await get('/account/cases/not-a-case', chen.cookie)).statusCode).toBe(404);
  });
});

describe('one case', () => {
  it('withdraws before a decision, asking for a reason first', async () => {
    const detail = await applyThroughPage(chen);
    const page = await get(`/account/cases/${detail.id}`, chen.cookie);
    expect(page.body).toContain(
      `<form class="case-form" method="post" action="/account/cases/${detail.id}/withdraw" novalidate>`,
    );
    const refused = await postForm(
      `/account/cases/${detail.id}/withdraw`,
      { version: String(detail.version), reason: '' },
      { cookie: chen.cookie },
    );
    expect(refused.statusCode).toBe(422);
    expectAccessiblePage(refused.body);
    expect(refused.body).toContain('<li><a href="#f-reason">撤回理由：请填写此项。</a></li>');
    expect(refused.body).toMatch(
      /<textarea id="f-reason" name="reason" maxlength="2000" aria-describedby="f-reason-error" aria-invalid="true" required/,
    );

    const done = await postForm(
      `/account/cases/${detail.id}/withdraw`,
      { version: String(detail.version), reason: '材料准备不全，下次再办' },
      { cookie: chen.cookie },
    );
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/account/cases/${detail.id}?notice=withdrawn`);
    const after = await get(done.headers.location as string, chen.cookie);
    expect(after.body).toContain('申请已撤回。');
    expect(after.body).toContain('<dt>当前状态</dt><dd>已撤回</dd>');
    expect(after.body).toContain('理由：材料准备不全，下次再办');
    expect(after.body).not.toContain('/withdraw"');
  });

  it('says so when the case changed meanwhile (409), keeping the reason typed', async () => {
    const detail = await applyThroughPage(chen);
    const stale = await postForm(
      `/account/cases/${detail.id}/withdraw`,
      { version: String(detail.version + 5), reason: '重复申请' },
      { cookie: chen.cookie },
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('<h2 id="error-summary-title">无法完成</h2>');
    expect(stale.body).toContain('>重复申请</textarea>');
  });

  it('takes a further material while awaiting acceptance', async () => {
    const detail = await applyThroughPage(chen);
    const response = await postMultipart(
      `/account/cases/${detail.id}/materials`,
      [{ name: 'materialIndex', value: '2' }, file('file', PDF, 'plan.pdf')],
      chen.cookie,
    );
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/account/cases/${detail.id}?notice=uploaded`);
    const after = await getCase(db(), { kind: 'public', accountId: chen.id }, detail.id, deps);
    expect(after.materials.map((received) => received.materialIndex).sort()).toEqual([0, 2]);
    const tooBig = await postMultipart(
      `/account/cases/${detail.id}/materials`,
      [{ name: 'materialIndex', value: '2' }, file('file', Buffer.alloc(MAX_UPLOAD_BYTES + 10, 1))],
      chen.cookie,
    );
    expect(tooBig.statusCode).toBe(422);
    expect(tooBig.body).toContain('<p class="field-error" id="f-file-error">错误：文件过大。</p>');
    expect(tooBig.body).toContain('<option value="2" selected>经营场所平面图</option>');
    expect((await getCase(db(), { kind: 'public', accountId: chen.id }, detail.id, deps)).materials).toHaveLength(2);
    const missing = await postMultipart(`/account/cases/${detail.id}/materials`, [emptyFile('file')], chen.cookie);
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('<p class="field-error" id="f-file-error">错误：请填写此项。</p>');
  });

  it('rates a completed case on five labelled levels, once, and shows steps without staff names', async () => {
    const detail = await applyThroughPage(chen);
    await complete(detail.id);
    const page = await get(`/account/cases/${detail.id}`, chen.cookie);
    expectAccessiblePage(page.body);
    expect(page.body).toContain('<legend>满意程度</legend>');
    for (const [score, label] of [
      ['1', '非常不满意'],
      ['3', '基本满意'],
      ['5', '非常满意'],
    ]) {
      expect(page.body).toContain(
        `<input type="radio" id="f-score-${score}" name="score" value="${score}" required><label for="f-score-${score}">${label}</label>`,
      );
    }
    expect(page.body).not.toContain(APPROVER_NAME);
    expect(page.body).not.toContain('内部审查意见');
    expect(page.body).toContain('<dt>证照或文书编号</dt><dd>JY12345</dd>');
    expect(page.body).not.toContain('/withdraw"');

    const unscored = await postForm(`/account/cases/${detail.id}/rating`, { comment: '很好' }, { cookie: chen.cookie });
    expect(unscored.statusCode).toBe(422);
    expect(unscored.body).toContain(
      '<fieldset class="choices field-invalid" id="f-score" aria-describedby="f-score-error">',
    );
    expect(unscored.body).toContain('>很好</textarea>');

    const rated = await postForm(
      `/account/cases/${detail.id}/rating`,
      { score: '5', comment: '很好' },
      { cookie: chen.cookie },
    );
    expect(rated.statusCode).toBe(303);
    const after = await get(rated.headers.location as string, chen.cookie);
    expect(after.body).toContain('感谢您的评价。');
    expect(after.body).toContain('您的评价：非常满意');
    expect(after.body).not.toContain('name="score"');
  });

  it('answers in English on request', async () => {
    const detail = await applyThroughPage(chen);
    const { body, headers } = await get(`/account/cases/${detail.id}?lang=en`, chen.cookie);
    expect(headers['content-language']).toBe('en');
    expect(body).toContain(`<h1>Case ${detail.number}</h1>`);
    expect(body).toContain('<dd><span lang="zh-CN">食品经营许可（新办）</span></dd>');
    expect(body).toContain('<dt>Status</dt><dd>Submitted, awaiting acceptance</dd>');
  });
});

describe('tracking', () => {
  it('shows the form, linked from every page’s header', async () => {
    const response = await get('/track');
    expect(response.statusCode).toBe(200);
    expectAccessiblePage(response.body);
    expect(response.body).toContain('<form class="case-form" method="post" action="/track" novalidate>');
    expect(response.body).toContain('<label for="f-idTail">证件号码后 6 位</label>');
  });

  it('answers a wrong tail and an unknown number alike, with 404', async () => {
    const detail = await applyThroughPage(chen);
    const wrongTail = await postForm('/track', { number: detail.number, idTail: '000000' });
    const unknown = await postForm('/track', { number: 'WS-20200101-999999', idTail: chen.residentId.slice(-6) });
    expect(wrongTail.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    const summary = (body: string) => {
      const start = body.indexOf('<div class="error-summary"');
      return body.slice(start, body.indexOf('</div>', start));
    };
    expect(summary(wrongTail.body)).toContain('没有查到符合的办件');
    expect(summary(wrongTail.body)).toEqual(summary(unknown.body));
    expect(wrongTail.body).toContain('value="000000"');
    const empty = await postForm('/track', { number: '', idTail: '' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('<li><a href="#f-number">办件编号：请填写此项。</a></li>');
  });

  it('shows the status and steps, and takes a rating once the case is complete', async () => {
    const detail = await applyThroughPage(li);
    const idTail = li.residentId.slice(-6).toLowerCase();
    const submitted = await postForm('/track', { number: detail.number.toLowerCase(), idTail });
    expect(submitted.statusCode).toBe(200);
    expectAccessiblePage(submitted.body);
    expect(submitted.body).toContain(`<h1>办件 ${detail.number} 的办理进度</h1>`);
    expect(submitted.body).toContain('<dt>当前状态</dt><dd>已提交，待受理</dd>');
    expect(submitted.body).not.toContain('name="score"');

    await complete(detail.id);
    const completed = await postForm('/track', { number: detail.number, idTail });
    expect(completed.body).toContain('<dt>当前状态</dt><dd>已办结</dd>');
    expect(completed.body).toContain('<span class="step-what">受理</span>');
    expect(completed.body).not.toContain(APPROVER_NAME);
    expect(completed.body).toContain('<form class="case-form" method="post" action="/track/rating" novalidate>');
    expect(completed.body).toContain(`<input type="hidden" name="number" value="${detail.number}">`);

    const rated = await postForm('/track/rating', { number: detail.number, idTail, score: '2', comment: '等太久' });
    expect(rated.statusCode).toBe(200);
    expect(rated.body).toContain('感谢您的评价。');
    expect(rated.body).not.toContain('name="score"');
    const again = await postForm('/track/rating', { number: detail.number, idTail, score: '5' });
    expect(again.statusCode).toBe(409);
  });
});

describe('tracking, throttled', () => {
  it('tells a visitor who tried too often how long to wait, with 429 and Retry-After', async () => {
    const fromOneAddress = (fields: Record<string, string>) =>
      platform.app.inject({
        method: 'POST',
        url: '/track',
        remoteAddress: '198.51.100.7',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      });
    for (let attempt = 0; attempt < TRACK_MAX; attempt++) {
      expect((await fromOneAddress({ number: 'WS-20200101-000001', idTail: '123456' })).statusCode).toBe(404);
    }
    const throttled = await fromOneAddress({ number: 'WS-20200101-000001', idTail: '123456' });
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(throttled.body).toMatch(/查询次数过多，请在 \d+ 秒后再试。/);
    expect(throttled.body).toContain('value="WS-20200101-000001"');
  });
});

describe('the stylesheet', () => {
  it('is served by version and kept for good at that version', async () => {
    const response = await get(`/assets/cases.css?v=${CASES_CSS_VERSION}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.body).toContain('.light-red');
  });
});
