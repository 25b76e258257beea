/**
 * Hand-built XLSX files for tests of the reader: a ZIP writer of its own (independent of the
 * platform's, so a shared mistake cannot hide) with knobs to store or deflate each entry, to lie about
 * sizes or CRCs and to flag encryption, and a workbook of given part texts with sensible defaults.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface TestZipEntry {
  name: string;
  data: string | Buffer;
  /** Stored (0) or deflated (8, the default). */
  method?: 0 | 8;
  /** Written into the headers instead of the real values. */
  declaredSize?: number;
  declaredCrc?: number;
  /** General purpose flags, e.g. 1 (encrypted). */
  flags?: number;
}

/**
 * A ZIP archive with a data descriptor-free layout, as most writers make it.
 * @example zipOf([{ name: 'a.txt', data: 'x', method: 0 }])
 */
export function zipOf(entries: readonly TestZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data, 'utf8');
    const method = entry.method ?? 8;
    const body = method === 8 ? deflateRawSync(data) : data;
    const name = Buffer.from(entry.name, 'utf8');
    const crc = entry.declaredCrc ?? crc32(data) >>> 0;
    const size = entry.declaredSize ?? data.length;
    const flags = (entry.flags ?? 0) | 0x800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, body);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(flags, 8);
    header.writeUInt16LE(method, 10);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(body.length, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

const MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

export interface TestWorkbook {
  /** `<sheetData>` contents of each sheet, by tab name, in tab order. */
  sheets: Record<string, string>;
  /** `<si>` items, joined into xl/sharedStrings.xml; no part when absent. */
  sharedStrings?: string[];
  /** Contents of `<styleSheet>`; no part when absent. */
  styles?: string;
  /** Attributes of `<workbookPr>`, e.g. `date1904="1"`. */
  workbookPr?: string;
  /** Extra attributes of each `<sheet>` by tab name, e.g. `state="hidden"`. */
  sheetAttributes?: Record<string, string>;
  /** Store parts instead of deflating them. */
  method?: 0 | 8;
  /** Prefix every SpreadsheetML element (`x:`), as some .NET writers do. */
  prefix?: string;
}

/**
 * An XLSX file of the given parts.
 * @example workbookOf({ sheets: { Sheet1: '<row r="1"><c r="A1" t="inlineStr"><is><t>hi</t></is></c></row>' } })
 */
export function workbookOf(workbook: TestWorkbook): Buffer {
  const p = workbook.prefix ?? '';
  const ns = p ? `xmlns:${p.slice(0, -1)}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"` : MAIN;
  const names = Object.keys(workbook.sheets);
  const entries: TestZipEntry[] = [
    {
      name: '[Content_Types].xml',
      data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><${p}workbook ${ns} xmlns:r="${REL}">${workbook.workbookPr ? `<${p}workbookPr ${workbook.workbookPr}/>` : ''}<${p}sheets>${names
        .map(
          (name, index) =>
            `<${p}sheet name="${name}" sheetId="${index + 1}" ${workbook.sheetAttributes?.[name] ?? ''} r:id="rId${index + 1}"/>`,
        )
        .join('')}</${p}sheets></${p}workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${names
        .map(
          (_name, index) =>
            `<Relationship Id="rId${index + 1}" Type="${REL}/worksheet" Target="/xl/worksheets/sheet${index + 1}.xml"/>`,
        )
        .join('')}${
        workbook.sharedStrings ? `<Relationship Id="rS" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` : ''
      }${workbook.styles !== undefined ? `<Relationship Id="rT" Type="${REL}/styles" Target="../xl/styles.xml"/>` : ''}</Relationships>`,
    },
    ...names.map((name, index) => ({
      name: `xl/worksheets/sheet${index + 1}.xml`,
      data: `<?xml version="1.0" encoding="UTF-8"?><${p}worksheet ${ns}><${p}sheetData>${workbook.sheets[name]}</${p}sheetData></${p}worksheet>`,
    })),
  ];
  if (workbook.sharedStrings) {
    entries.push({
      name: 'xl/sharedStrings.xml',
      data: `<?xml version="1.0"?><${p}sst ${ns}>${workbook.sharedStrings.join('')}</${p}sst>`,
    });
  }
  if (workbook.styles !== undefined) {
    entries.push({
      name: 'xl/styles.xml',
      data: `<?xml version="1.0"?><${p}styleSheet ${ns}>${workbook.styles}</${p}styleSheet>`,
    });
  }
  return zipOf(entries.map((entry) => ({ ...entry, method: workbook.method ?? 8 })));
}
