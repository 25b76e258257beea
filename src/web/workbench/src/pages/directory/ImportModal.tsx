import { Alert, Button, Descriptions, Modal, Space } from 'antd';
import { type ChangeEvent, useId, useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import type { ImportReport } from '../../api-types';
import { CaptionedTable } from '../../components/CaptionedTable';
import { LiveStatus } from '../../components/LiveStatus';
import { ProblemAlert } from '../../components/ProblemAlert';
import { reasonText } from '../../field-errors';
import { useLocale } from '../../locale-context';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What the server is told the file is: by its name, since browsers often give a CSV no type. */
function contentTypeOf(file: File): string {
  if (/\.xlsx$/i.test(file.name)) return XLSX_TYPE;
  if (/\.csv$/i.test(file.name)) return 'text/csv';
  return file.type || 'application/octet-stream';
}

/**
 * Staff import, in two steps: a dry run checks the whole file and reports what would change (or, for a
 * file with bad rows, each row, column and reason); only a clean dry run of the same file can be
 * imported. The server takes it whole or not at all.
 */
export function ImportModal({ onClose, onImported }: { onClose(): void; onImported(message: string): void }) {
  const { t } = useLocale();
  const inputId = useId();
  const [file, setFile] = useState<File | undefined>();
  const [busy, setBusy] = useState<'check' | 'import' | undefined>();
  const [report, setReport] = useState<ImportReport | undefined>();
  const [problem, setProblem] = useState<unknown>();
  const [status, setStatus] = useState<string>();

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    setFile(event.target.files?.[0]);
    setReport(undefined);
    setProblem(undefined);
    setStatus(undefined);
  };

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(dryRun ? 'check' : 'import');
    setProblem(undefined);
    try {
      const result = await apiFetch<ImportReport>('/api/directory/v1/imports', {
        method: 'POST',
        query: { dryRun },
        file: { body: file, contentType: contentTypeOf(file) },
      });
      setReport(result);
      const counts = { people: result.people, created: result.created, updated: result.updated };
      const message = dryRun ? t('import.checked', counts) : t('import.done', counts);
      setStatus(message);
      if (!dryRun) onImported(message);
    } catch (error) {
      setReport(undefined);
      setProblem(error);
      setStatus(undefined);
    } finally {
      setBusy(undefined);
    }
  };

  const rowErrors = problem instanceof ApiProblem ? problem.errors.filter((error) => error.row !== undefined) : [];
  const imported = report !== undefined && !report.dryRun;

  return (
    <Modal
      open
      width={760}
      title={t('import.title')}
      onCancel={onClose}
      footer={
        <Space>
          <Button onClick={onClose}>{imported ? t('common.close') : t('common.cancel')}</Button>
          <Button disabled={!file || imported} loading={busy === 'check'} onClick={() => send(true)}>
            {t('import.check')}
          </Button>
          <Button
            type="primary"
            disabled={!report?.dryRun || busy !== undefined}
            loading={busy === 'import'}
            onClick={() => send(false)}
          >
            {t('import.run')}
          </Button>
        </Space>
      }
    >
      <p>{t('import.lead')}</p>
      <p className="hint-text">{t('import.columns')}</p>
      <div className="file-field">
        <label htmlFor={inputId}>{t('import.file')}</label>
        <input id={inputId} type="file" accept=".csv,.xlsx,text/csv" onChange={choose} />
      </div>
      <LiveStatus message={status} />
      {report ? (
        <Alert
          type={report.dryRun ? 'info' : 'success'}
          showIcon
          message={report.dryRun ? t('import.report_dry') : t('import.report_done')}
          description={
            <Descriptions
              size="small"
              column={2}
              items={[
                { key: 'people', label: t('import.people'), children: report.people },
                { key: 'created', label: t('import.created'), children: report.created },
                { key: 'updated', label: t('import.updated'), children: report.updated },
                { key: 'unchanged', label: t('import.unchanged'), children: report.unchanged },
              ]}
            />
          }
        />
      ) : null}
      <ProblemAlert error={problem} fields={rowErrors.length > 0 ? [] : undefined} className="block-alert" />
      {rowErrors.length > 0 ? (
        <CaptionedTable<ProblemField>
          caption={t('import.errors_caption', { count: rowErrors.length })}
          rowKey={(error) => `${error.row}:${error.field}:${error.reason}`}
          size="small"
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          dataSource={rowErrors}
          columns={[
            { key: 'row', title: t('import.row'), dataIndex: 'row' },
            { key: 'field', title: t('import.column'), render: (_, error) => error.header ?? error.field ?? '—' },
            { key: 'reason', title: t('import.reason'), render: (_, error) => reasonText(t, error) },
          ]}
        />
      ) : null}
    </Modal>
  );
}
