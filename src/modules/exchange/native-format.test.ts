import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError, ValidationError } from '../../platform/errors.js';
import { NATIVE_LIMITS, parseNative, renderNative } from './native-format.js';

/** A 公安 population system's record, as its interface sends it. */
const RKXX = `<?xml version="1.0" encoding="UTF-8"?>
<RKXX BBH="007">
  <XM>张三</XM>
  <GMSFHM>11010519491231002X</GMSFHM>
  <XB>1</XB>
  <MZ>01</MZ>
  <DZ LX="HJ">北京市朝阳区 &amp; 某街道 &#x4E00;号</DZ>
  <DZ LX="JZ">上海市&lt;浦东&gt;</DZ>
  <BZ><![CDATA[a < b & c]]></BZ>
  <!-- 备注 -->
  <KZ/>
</RKXX>`;

describe('parseNative xml', () => {
  it('keeps attributes under @_, text under #text, repeated elements as arrays and every value a string', () => {
    expect(parseNative('xml', RKXX)).toEqual({
      RKXX: {
        '@_BBH': '007',
        XM: '张三',
        GMSFHM: '11010519491231002X',
        XB: '1',
        MZ: '01',
        DZ: [
          { '@_LX': 'HJ', '#text': '北京市朝阳区 & 某街道 一号' },
          { '@_LX': 'JZ', '#text': '上海市<浦东>' },
        ],
        BZ: 'a < b & c',
        KZ: '',
      },
    });
  });

  it('never coerces numbers: identifiers keep their leading zeros', () => {
    expect(parseNative('xml', '<R a="0012"><ID>000123</ID><N>1e3</N><B>true</B></R>')).toEqual({
      R: { '@_a': '0012', ID: '000123', N: '1e3', B: 'true' },
    });
  });

  it('refuses a DOCTYPE, so no entity is ever defined or expanded', () => {
    const laughs =
      '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n<R>&lol2;</R>';
    expect(fieldsOf(() => parseNative('xml', laughs))).toEqual({
      code: 'exchange.payload_malformed',
      params: { format: 'xml', reason: 'doctype', line: 2, column: 1 },
      fields: [{ pointer: '', reason: 'doctype', message: 'line 2, column 1' }],
    });
    const xxe = '<!doctype R SYSTEM "file:///etc/passwd"><R>&xxe;</R>';
    expect(fieldsOf(() => parseNative('xml', xxe)).params).toMatchObject({ reason: 'doctype' });
  });

  it('refuses references to entities XML does not predefine, and bare ampersands', () => {
    expect(fieldsOf(() => parseNative('xml', '<R>&nbsp;</R>')).params).toMatchObject({ reason: 'entity' });
    expect(fieldsOf(() => parseNative('xml', '<R a="&foo;"/>')).params).toMatchObject({ reason: 'entity' });
    expect(fieldsOf(() => parseNative('xml', '<R>&#0;</R>')).params).toMatchObject({ reason: 'entity' });
  });

  it('reports where malformed XML breaks, and never the content', () => {
    const error = fieldsOf(() => parseNative('xml', '<RKXX>\n  <XM>张三秘密</GMSFHM>\n</RKXX>'));
    expect(error.code).toBe('exchange.payload_malformed');
    expect(error.params).toMatchObject({ format: 'xml', reason: 'syntax', line: 2 });
    expect(JSON.stringify(error)).not.toMatch(/张三|GMSFHM|XM/);
    expect(fieldsOf(() => parseNative('xml', 'not xml')).params).toMatchObject({ reason: 'syntax', line: 1 });
    expect(fieldsOf(() => parseNative('xml', '<A>1</A><B>2</B>')).params).toMatchObject({ reason: 'syntax' });
    expect(fieldsOf(() => parseNative('xml', '<A>1</A><B/>')).params).toMatchObject({ reason: 'root' });
  });

  it('refuses nesting beyond the limit and payloads beyond the size limit', () => {
    const nested = (depth: number) => `${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}`;
    expect(parseNative('xml', nested(NATIVE_LIMITS.maxDepth))).toBeTruthy();
    expect(fieldsOf(() => parseNative('xml', nested(NATIVE_LIMITS.maxDepth + 1))).params).toMatchObject({
      reason: 'too_deep',
    });
    const huge = `<R>${'x'.repeat(NATIVE_LIMITS.maxChars)}</R>`;
    expect(() => parseNative('xml', huge)).toThrow(PayloadTooLargeError);
  });

  it('refuses element names that would pollute prototypes', () => {
    expect(fieldsOf(() => parseNative('xml', '<__proto__><x>1</x></__proto__>')).code).toBe(
      'exchange.payload_malformed',
    );
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('refuses a value that is not text', () => {
    expect(fieldsOf(() => parseNative('xml', { R: 1 } as unknown as string)).params).toMatchObject({
      reason: 'not_text',
    });
  });
});

describe('parseNative csv', () => {
  it('reads the header row into objects, with RFC 4180 quotes and CRLF', () => {
    const text = '\uFEFFXM,GMSFHM,DZ\r\n张三,0012,"北京市,朝阳区 ""一号"""\r\n李四,0013,"多\r\n行"\r\n';
    expect(parseNative('csv', text)).toEqual([
      { XM: '张三', GMSFHM: '0012', DZ: '北京市,朝阳区 "一号"' },
      { XM: '李四', GMSFHM: '0013', DZ: '多\r\n行' },
    ]);
  });

  it('uses another delimiter when told, and skips blank lines', () => {
    expect(parseNative('csv', 'a;b\n1;2\n\n3;"4;5"\n', { csvDelimiter: ';' })).toEqual([
      { a: '1', b: '2' },
      { a: '3', b: '4;5' },
    ]);
    expect(parseNative('csv', '')).toEqual([]);
    expect(parseNative('csv', 'a,b\r\n')).toEqual([]);
  });

  it('names the row of a malformed record and never its content', () => {
    expect(fieldsOf(() => parseNative('csv', 'a,b\r\n1,2\r\n3\r\n'))).toEqual({
      code: 'exchange.payload_malformed',
      params: { format: 'csv', reason: 'field_count', row: 3 },
      fields: [{ pointer: '', reason: 'field_count', message: 'row 3' }],
    });
    expect(fieldsOf(() => parseNative('csv', 'a,b\r\n"1,2\r\n')).params).toMatchObject({
      reason: 'unclosed_quote',
      row: 2,
    });
    expect(fieldsOf(() => parseNative('csv', 'a,a\r\n1,2')).params).toMatchObject({
      reason: 'header_repeated',
      column: 2,
    });
    expect(fieldsOf(() => parseNative('csv', 'a,\r\n1,2')).params).toMatchObject({ reason: 'header_empty', column: 2 });
    expect(fieldsOf(() => parseNative('csv', '__proto__\r\n1')).params).toMatchObject({ reason: 'header_name' });
  });
});

describe('parseNative json', () => {
  it('reads JSON, and reports the line and column of a fault when the engine gives its offset', () => {
    expect(parseNative('json', '{"id":"0012"}')).toEqual({ id: '0012' });
    const error = fieldsOf(() => parseNative('json', '[1,\n 2 3]'));
    expect(error.params).toMatchObject({ format: 'json', reason: 'syntax', line: 2, column: 4 });
    expect(fieldsOf(() => parseNative('json', '{"secret": }')).params).toMatchObject({ reason: 'syntax' });
    expect(JSON.stringify(fieldsOf(() => parseNative('json', '{"secret": }')))).not.toContain('secret');
  });

  it('refuses nesting beyond the limit before parsing, ignoring brackets inside strings', () => {
    const deep = `${'['.repeat(NATIVE_LIMITS.maxDepth + 1)}${']'.repeat(NATIVE_LIMITS.maxDepth + 1)}`;
    expect(fieldsOf(() => parseNative('json', deep)).params).toMatchObject({ reason: 'too_deep', line: 1 });
    expect(parseNative('json', JSON.stringify({ text: '['.repeat(200) }))).toEqual({ text: '['.repeat(200) });
  });
});

describe('renderNative', () => {
  it('writes XML with attributes, repeated elements and escaping, under the root element asked for', () => {
    const { contentType, body } = renderNative(
      'xml',
      { '@_BBH': '1', XM: '张三 & <李>', DZ: [{ '@_LX': 'HJ', '#text': '"一号"' }, '二号'], KZ: null },
      { xmlRootElement: 'RKXX' },
    );
    expect(contentType).toBe('application/xml');
    expect(body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<RKXX BBH="1"><XM>张三 &amp; &lt;李&gt;</XM><DZ LX="HJ">&quot;一号&quot;</DZ><DZ>二号</DZ><KZ/></RKXX>',
    );
    expect(parseNative('xml', body)).toEqual({
      RKXX: { '@_BBH': '1', XM: '张三 & <李>', DZ: [{ '@_LX': 'HJ', '#text': '"一号"' }, '二号'], KZ: '' },
    });
  });

  it('refuses values XML cannot carry, naming where', () => {
    expect(fieldsOf(() => renderNative('xml', { a: 1, b: 2 })).fields).toEqual([{ pointer: '', reason: 'xml_root' }]);
    expect(fieldsOf(() => renderNative('xml', { R: { 'not a name': 1 } })).fields).toEqual([
      { pointer: '/R/not a name', reason: 'xml_name' },
    ]);
    expect(fieldsOf(() => renderNative('xml', { R: { '@_a': { b: 1 } } })).code).toBe('exchange.mapping_failed');
    // Repeated roots would not be one document.
    expect(fieldsOf(() => renderNative('xml', [1, 2], { xmlRootElement: 'R' })).fields).toEqual([
      { pointer: '', reason: 'xml_root' },
    ]);
    expect(fieldsOf(() => renderNative('xml', { R: { x: [{ a: [[1]] }] } })).fields).toEqual([
      { pointer: '/R/x/0/a/0', reason: 'xml_nested_array' },
    ]);
  });

  it('writes CSV with a header from the keys, quoting per RFC 4180, CRLF line ends', () => {
    const { contentType, body } = renderNative('csv', [
      { XM: '张三', DZ: '北京市,朝阳区', BZ: 'say "hi"' },
      { XM: '李四', DZ: null, SL: 2, BZ: 'a\nb' },
    ]);
    expect(contentType).toBe('text/csv; charset=utf-8; header=present');
    expect(body).toBe('XM,DZ,BZ,SL\r\n张三,"北京市,朝阳区","say ""hi""",\r\n李四,,"a\nb",2\r\n');
    expect(parseNative('csv', body)).toEqual([
      { XM: '张三', DZ: '北京市,朝阳区', BZ: 'say "hi"', SL: '' },
      { XM: '李四', DZ: '', BZ: 'a\nb', SL: '2' },
    ]);
    expect(renderNative('csv', { a: 'x;y' }, { csvDelimiter: ';' }).body).toBe('a\r\n"x;y"\r\n');
  });

  it('refuses CSV rows that are not flat objects', () => {
    expect(fieldsOf(() => renderNative('csv', [{ a: { b: 1 } }])).fields).toEqual([
      { pointer: '/0/a', reason: 'csv_field' },
    ]);
    expect(fieldsOf(() => renderNative('csv', ['x'])).fields).toEqual([{ pointer: '/0', reason: 'csv_row' }]);
  });

  it('writes JSON as JSON', () => {
    expect(renderNative('json', { a: '0012' })).toEqual({ contentType: 'application/json', body: '{"a":"0012"}' });
  });
});

function fieldsOf(work: () => unknown): { code: string; params: Record<string, unknown>; fields: unknown[] } {
  try {
    work();
  } catch (error) {
    if (error instanceof ValidationError) return { code: error.code, params: error.params, fields: error.fields };
    throw error;
  }
  throw new Error('expected a ValidationError');
}
