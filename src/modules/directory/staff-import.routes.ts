/**
 * Staff import over HTTP: POST /api/directory/v1/imports with the file as the request body (CSV or
 * XLSX; the app registers no multipart parser, and a file needs none). The import acts as the signed-in
 * staff member and takes only rows for units where they hold `directory.manage`. A file with any bad
 * row is refused whole: a 422 problem whose `errors` name each row, column and reason (never a value).
 */
import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { registerOctetStreamParser } from '../../platform/blobs/blob-http.js';
import { type FieldError, PayloadTooLargeError, ValidationError } from '../../platform/errors.js';
import { requirePrincipal } from '../../platform/http/authentication.js';
import { problemResponse } from '../../platform/http/problem.js';
import { XLSX_CONTENT_TYPE } from '../../platform/spreadsheets/xlsx-writer.js';
import type { StaffRoutesDeps } from './person.routes.js';
import { ImportQuery, ImportReport } from './person.schema.js';
import { importStaffFile, MAX_STAFF_FILE_BYTES, type StaffImportError } from './staff-import.service.js';

/** One bad cell of an import, as the problem's `errors` carry it: a pointer, and row, column and reason. */
type ImportFieldError = FieldError & Omit<StaffImportError, 'reason'>;

/**
 * The staff import route, for `runtime.routes`.
 * @example runtime.routes.push(staffImportRoutes({ database, policy: accessPolicy }));
 */
export function staffImportRoutes(deps: StaffRoutesDeps): FastifyPluginAsync {
  const { database, policy } = deps;
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    registerOctetStreamParser(app, { contentTypes: ['text/csv', XLSX_CONTENT_TYPE] });

    app.post(
      '/api/directory/v1/imports',
      {
        schema: {
          tags: ['directory'],
          summary: 'Import staff from a CSV or XLSX file 导入人员',
          description:
            '请求体为文件本身（Content-Type: text/csv、application/vnd.openxmlformats-officedocument.spreadsheetml.sheet 或 application/octet-stream），每行一个职务，列见 docs/directory.md。只导入调用者有 directory.manage 权限的机构；任一行有误（含超出权限范围 out_of_scope）则不写入任何数据，以 422 按行号、列名和原因报告。dryRun=true 只校验并报告将会发生的变更。\n\nThe body is the file itself, one post per row (columns in docs/directory.md). Only units where the caller holds directory.manage are imported; any bad row (out_of_scope included) and nothing is written, and a 422 names each row, column and reason. dryRun=true checks and reports what would change, keeping nothing.',
          querystring: ImportQuery,
          response: {
            200: ImportReport,
            401: problemResponse('Not signed in as staff 未以工作人员身份登录'),
            413: problemResponse('The file is too large 文件过大'),
            415: problemResponse('Not a CSV or XLSX body 请求体类型不受支持'),
            422: problemResponse(
              'The file is unreadable or has bad rows; nothing was written 文件无法读取或有错误行，未写入',
            ),
          },
        },
      },
      async (request) => {
        const principal = requirePrincipal(request, ['staff']);
        const body = request.body;
        if (!(body instanceof Readable)) throw new ValidationError('blob.body_missing');
        if (Number(request.headers['content-length']) > MAX_STAFF_FILE_BYTES) {
          throw new PayloadTooLargeError('directory.staff_import_too_large', { maxBytes: MAX_STAFF_FILE_BYTES });
        }
        const { format, dryRun = false } = request.query;
        const report = await importStaffFile(database, body, {
          actor: { type: 'user', id: principal.id },
          policy,
          format,
          dryRun,
        });
        if (!report.ok) {
          const errors: ImportFieldError[] = report.errors.map((error) => ({
            pointer: `/body/rows/${error.row}${error.field ? `/${error.field}` : ''}`,
            ...error,
          }));
          throw new ValidationError('directory.staff_import_invalid', errors, { count: errors.length });
        }
        const { people, created, updated, unchanged } = report;
        return { dryRun, people, created, updated, unchanged };
      },
    );
  };
}
