import { Alert } from 'antd';
import type { CompatibilityReport } from '../../api-types';
import { CaptionedTable } from '../../components/CaptionedTable';
import { useLocale } from '../../locale-context';
import { EmptyText } from './exchange-tags';

/**
 * How a version differs from the previous published one and whether that breaks its users: shown for
 * a chosen version and, before publishing, in the publish dialog.
 */
export function CompatibilityReportView({ report }: { report: CompatibilityReport }) {
  const { t, locale } = useLocale();
  if (report.previousVersion === null) return <p>{t('exchange.compatibility.first')}</p>;
  return (
    <>
      <Alert
        type={report.breaking ? 'warning' : 'success'}
        showIcon
        className="block-alert"
        message={t(report.breaking ? 'exchange.compatibility.breaking' : 'exchange.compatibility.compatible', {
          previous: report.previousVersion,
        })}
      />
      <CaptionedTable
        caption={t('exchange.compatibility.caption', { version: report.version, previous: report.previousVersion })}
        rowKey={(change) => `${change.path}:${change.change}`}
        size="small"
        pagination={false}
        dataSource={report.changes}
        locale={{ emptyText: <EmptyText>{t('exchange.compatibility.none')}</EmptyText> }}
        columns={[
          { key: 'path', title: t('exchange.compatibility.path'), render: (_, change) => <code>{change.path}</code> },
          {
            key: 'message',
            title: t('exchange.compatibility.change'),
            render: (_, change) => (locale === 'en' ? change.message.en : change.message.zh),
          },
          {
            key: 'breaking',
            title: t('exchange.version.breaking'),
            render: (_, change) => (change.breaking ? t('common.yes') : t('common.no')),
          },
        ]}
      />
    </>
  );
}
