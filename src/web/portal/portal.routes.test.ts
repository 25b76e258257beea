import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrgUnit, smallDistrict } from '../../../test/support/org-units.js';
import { createTestPlatform, type TestPlatform } from '../../../test/support/runtime.js';
import { upsertOrgUnit, upsertOrgUnits } from '../../modules/directory/index.js';
import { PORTAL_CSS_VERSION } from './portal.css.js';

let platform: TestPlatform;
const get = (url: string, headers: Record<string, string> = {}) =>
  platform.app.inject({ url, headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', ...headers } });
const count = (text: string, part: string) => text.split(part).length - 1;

beforeAll(async () => {
  platform = await createTestPlatform();
  await platform.app.ready();
});
afterAll(() => platform.close());

describe('the home page on an empty directory', () => {
  it('answers a browser with HTML in Chinese and says politely that there is nothing yet', async () => {
    const response = await get('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.body).toContain('<html lang="zh-CN">');
    expect(response.body).toContain('<h1>政务服务门户</h1>');
    expect(response.body).toContain('机构目录中还没有信息');
  });
});

describe('the home page of a district', () => {
  beforeAll(async () => {
    await upsertOrgUnits(platform.runtime.database.kysely, smallDistrict());
  });

  it('has the landmarks, one h1, a skip link to main, and no script or layout table', async () => {
    const { body } = await get('/');
    expect(body).toMatch(/^<!doctype html>/);
    expect(body).toContain('<a class="skip-link" href="#main">跳到主要内容</a>');
    for (const landmark of ['<header', '<nav aria-label="网站导航">', '<main id="main"', '<footer']) {
      expect(count(body, landmark)).toBe(1);
    }
    expect(count(body, '<h1')).toBe(1);
    expect(body).toContain('<h1>测试区政务服务门户</h1>');
    expect(body).not.toMatch(/<script|<table|\son[a-z]+=/i);
  });

  it('lists the district centre first, then each town and street centre with its place', async () => {
    const { body } = await get('/');
    const order = ['测试区行政服务中心', '东街道社区事务受理服务中心', '西镇社区事务受理服务中心'].map((name) =>
      body.indexOf(name),
    );
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(body).toContain('服务范围：全区');
    expect(body).toContain('服务范围：东街道');
    expect(body).toContain('区级中心 1 个，街镇社区事务受理服务中心 2 个');
  });

  it('lists the departments, the streets and the towns in their sections', async () => {
    const { body } = await get('/');
    const section = (id: string) =>
      body.slice(body.indexOf(`<section id="${id}"`), body.indexOf('</section>', body.indexOf(`<section id="${id}"`)));
    expect(section('departments')).toContain('<li>测试区民政局</li>');
    expect(section('departments').indexOf('测试区民政局')).toBeLessThan(section('departments').indexOf('测试区教育局'));
    expect(section('places')).toMatch(/<h3>街道<\/h3>[\s\S]*<li>东街道<\/li>[\s\S]*<h3>镇<\/h3>[\s\S]*<li>西镇<\/li>/);
    expect(body).toContain('<a href="#departments">部门和单位</a>');
  });

  it('switches to English with ?lang=en and remembers it in a cookie', async () => {
    const response = await get('/?lang=en');
    expect(response.headers['set-cookie']).toBe('huitong_lang=en; Path=/; Max-Age=31536000; SameSite=Lax');
    expect(response.headers['content-language']).toBe('en');
    expect(response.body).toContain('<html lang="en">');
    expect(response.body).toContain('<h1>Test District Government Services Portal</h1>');
    expect(response.body).toContain('Serves East Subdistrict');
    expect(response.body).toContain('<a href="/?lang=zh" lang="zh-CN" hreflang="zh-CN">中文</a>');
  });

  it('keeps the remembered language, and a new choice overrides it', async () => {
    const remembered = await get('/', { cookie: 'theme=dark; huitong_lang=en', 'accept-language': 'zh-CN' });
    expect(remembered.body).toContain('<html lang="en">');
    expect(remembered.headers['set-cookie']).toBeUndefined();
    const changed = await get('/?lang=zh', { cookie: 'huitong_lang=en' });
    expect(changed.body).toContain('<html lang="zh-CN">');
    expect(changed.headers['set-cookie']).toMatch(/^huitong_lang=zh-CN;/);
  });

  it('follows Accept-Language when the reader has not chosen, and ignores what it does not know', async () => {
    expect((await get('/', { 'accept-language': 'en-GB,en;q=0.9' })).body).toContain('<html lang="en">');
    const unknown = await get('/?lang=fr&utm_source=newsletter');
    expect(unknown.statusCode).toBe(200);
    expect(unknown.body).toContain('<html lang="zh-CN">');
    expect(unknown.headers.vary).toBe('Accept-Language, Cookie');
  });

  it('escapes a unit name that contains markup', async () => {
    await upsertOrgUnit(
      platform.runtime.database.kysely,
      makeOrgUnit({ code: 'XD9', nameZh: '<script>alert("x")</script>局', sortOrder: 9 }),
    );
    const { body } = await get('/');
    expect(body).toContain('<li>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;局</li>');
    expect(body).not.toContain('<script');
  });
});

describe('the stylesheet', () => {
  it('is linked by version and cached for good at that version, briefly otherwise', async () => {
    const { body } = await get('/');
    expect(body).toContain(`<link rel="stylesheet" href="/assets/portal.css?v=${PORTAL_CSS_VERSION}">`);
    const versioned = await platform.app.inject(`/assets/portal.css?v=${PORTAL_CSS_VERSION}`);
    expect(versioned.statusCode).toBe(200);
    expect(versioned.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(versioned.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(versioned.body).toContain(':focus-visible');
    const bare = await platform.app.inject('/assets/portal.css');
    expect(bare.headers['cache-control']).toBe('public, max-age=300');
  });
});
