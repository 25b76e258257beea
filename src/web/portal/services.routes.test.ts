import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDistrict } from '../../../test/support/org-units.js';
import { itemCode, publishTestItem } from '../../../test/support/portal.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { upsertOrgUnits } from '../../modules/directory/index.js';
import { servicePages } from './services.routes.js';

let platform: TestPlatform;
const db = () => platform.runtime.database.kysely;
const get = (url: string, headers: Record<string, string> = {}) =>
  platform.app.inject({ url, headers: { accept: 'text/html', ...headers } });
const count = (text: string, part: string) => text.split(part).length - 1;

beforeAll(async () => {
  platform = await createTestPlatform({ routes: (runtime) => [servicePages({ database: runtime.database })] });
  await upsertOrgUnits(db(), smallDistrict());
  await publishTestItem(platform, itemCode(1), {
    fees: [{ nameZh: '工本费', nameEn: 'Production fee', amountFen: 2000, basis: '发改价格〔2003〕2322号' }],
  });
  for (let n = 2; n <= 24; n++) {
    await publishTestItem(platform, itemCode(n, 'public_service'), {
      nameZh: `最低生活保障${String(n).padStart(2, '0')}`,
      nameEn: `Minimum living allowance ${n}`,
      type: 'public_service',
      departmentCode: 'XD2',
      channels: { online: n % 2 === 0, anyCentre: true, centreCodes: [] },
    });
  }
  await publishTestItem(platform, itemCode(25), { nameZh: '<script>alert(1)</script>许可' });
});
afterAll(() => platform.close());

describe('the list page', () => {
  it('is an accessible page with a labelled search form and the first page of results', async () => {
    const response = await get('/services');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const { body } = response;
    expect(count(body, '<h1')).toBe(1);
    expect(body).toContain('<h1>政务服务事项</h1>');
    expect(body).not.toMatch(/<script|\son[a-z]+=/i);
    for (const id of ['q', 'department', 'type', 'online']) {
      expect(body).toContain(`<label for="${id}">`);
      expect(body).toContain(`id="${id}"`);
    }
    expect(body).toContain('aria-describedby="q-hint"');
    expect(body).toContain('<option value="XD2">测试区民政局 (23)</option>');
    expect(body).toContain('<option value="public_service">公共服务</option>');
    expect(body).toContain('共 25 项，显示第 1–20 项');
    expect(count(body, 'class="service-name"')).toBe(20);
    expect(body).toContain(`<a class="service-name" href="/services/${itemCode(1)}">食品经营许可（新办）</a>`);
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;许可');
    expect(body).toContain('<nav class="pager" aria-label="分页">');
    expect(body).toContain('<li aria-current="page">第 1 页，共 2 页</li>');
    expect(body).toContain('href="/services?page=2" rel="next"');
    expect(body).toContain('<a href="/services">办事服务</a>');
  });

  it('filters and pages, keeping the filters in the page links', async () => {
    const second = (await get('/services?department=XD2&page=2')).body;
    expect(second).toContain('共 23 项，显示第 21–23 项');
    expect(second).toContain('<option value="XD2" selected>');
    expect(second).toContain('href="/services?department=XD2&amp;page=1" rel="prev"');
    const online = (await get('/services?q=%E6%9C%80%E4%BD%8E&online=true')).body;
    expect(online).toContain('共 12 项');
    expect(online).toContain('id="online" name="online" value="true" checked');
    const none = (await get('/services?q=nothing-like-this&type=bogus&page=abc')).body;
    expect(none).toContain('没有符合条件的事项');
    expect(none).not.toContain('class="pager"');
  });

  it('speaks English when asked', async () => {
    const { body } = await get('/services?lang=en');
    expect(body).toContain('<html lang="en">');
    expect(body).toContain('<label for="q">Name of the service</label>');
    expect(body).toContain('Food business licence (new application)');
    expect(body).toContain('25 services; showing 1 to 20');
  });
});

describe('the item page', () => {
  it('shows the facts, the materials table, fees and where to apply', async () => {
    const response = await get(`/services/${itemCode(1)}`);
    expect(response.statusCode).toBe(200);
    const { body } = response;
    expect(body).toContain('<h1>食品经营许可（新办）</h1>');
    expect(body).toContain(`<dt>实施编码</dt><dd>${itemCode(1)}</dd>`);
    expect(body).toContain('<dt>实施机构</dt><dd>测试区教育局</dd>');
    expect(body).toContain('<dt>承诺办结时限</dt><dd>10 个工作日</dd>');
    expect(body).toContain('<caption id="materials-caption">食品经营许可（新办）所需材料</caption>');
    expect(body).toContain('<th scope="col">材料名称</th>');
    expect(body).toContain('<th scope="row">食品经营许可申请书</th><td>原件</td><td>1</td><td>是</td><td>是</td>');
    expect(body).toContain('<th scope="row">工本费</th><td>20.00 元</td>');
    expect(body).toContain('<li>测试区行政服务中心</li>');
    expect(body).toContain('<a href="#materials">申请材料</a>');
  });

  it('renders the application form from its schema: labels, required marks, hints, fieldsets, disabled', async () => {
    const { body } = await get(`/services/${itemCode(1)}`);
    const form = body.slice(body.indexOf('<form class="service-form"'), body.indexOf('</form>'));
    expect(form).toContain('<fieldset disabled>');
    expect(body).toContain('以下是申请表的预览');
    expect(form).toContain(
      '<fieldset class="form-group" id="f-applicant">\n<legend>申请人<span class="required">（必填）</span></legend>',
    );
    expect(form).toContain('<label for="f-applicant-name">姓名<span class="required">（必填）</span></label>');
    expect(form).toMatch(/<input type="text" id="f-applicant-name" name="applicant.name" maxlength="50" required>/);
    expect(form).toContain('<p class="hint" id="f-applicant-phone-hint">11 位手机号码</p>');
    expect(form).toContain('aria-describedby="f-applicant-phone-hint"');
    expect(form).toMatch(/<input type="date" id="f-openingDate" name="openingDate" required>/);
    expect(form).toContain('<input type="number" id="f-seats" name="seats" step="1" min="0">');
    expect(form).toContain('<input type="number" id="f-area" name="area" step="any" min="0">');
    expect(form).toContain('<select id="f-category" name="category">');
    expect(form).toContain('<option>餐饮服务</option>');
    expect(form).toContain(
      '<input type="checkbox" id="f-chain" name="chain" value="true"><label for="f-chain">连锁经营</label>',
    );
    const order = [
      'f-applicant-name',
      'f-applicant-phone',
      'f-openingDate',
      'f-seats',
      'f-area',
      'f-category',
      'f-chain',
    ];
    const positions = order.map((id) => form.indexOf(`id="${id}"`));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // Every control has a label that names it.
    const controls = [...form.matchAll(/<(?:input|select)[^>]* id="([^"]+)"/g)].map((match) => match[1]);
    for (const id of controls) expect(form).toContain(`for="${id}"`);
  });

  it('renders the form in English with the English titles', async () => {
    const { body } = await get(`/services/${itemCode(1)}?lang=en`);
    expect(body).toContain('<label for="f-openingDate">Opening date<span class="required"> (required)</span></label>');
    expect(body).toContain('<legend>Applicant<span class="required"> (required)</span></legend>');
    expect(body).toContain('This is a preview of the application form.');
    expect(body).toContain('<dd>Certificate: Food business licence</dd>');
    expect(body).toContain('<p lang="zh-CN">具有与经营的食品品种');
  });

  it('answers an unknown code with a 404 page that leads back', async () => {
    const response = await get(`/services/${itemCode(99)}`);
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('<h1>政务服务事项不存在</h1>');
    expect(response.body).toContain('<a href="/services">返回事项列表</a>');
    expect((await get('/services/%3Cb%3E')).body).toContain('没有实施编码为 &lt;b&gt; 的已发布事项');
  });

  it('serves its stylesheet by version', async () => {
    const { body } = await get('/services');
    const href = /href="(\/assets\/services\.css\?v=[0-9a-f]{12})"/.exec(body)?.[1];
    expect(href).toBeDefined();
    const css = await platform.app.inject(href!);
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(css.body).toContain('.service-form');
  });
});
