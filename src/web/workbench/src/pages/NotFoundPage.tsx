import { Result } from 'antd';
import { PageTitle } from '../components/PageTitle';
import { useLocale } from '../locale-context';
import { BASE_PATH, followInApp } from '../router';

/** Any workbench address without a page: the server answers every one of them with the app. */
export function NotFoundPage({ pathname }: { pathname: string }) {
  const { t } = useLocale();
  return (
    <>
      <PageTitle>{t('not_found.title')}</PageTitle>
      <Result
        status="404"
        subTitle={t('not_found.detail', { path: pathname })}
        extra={
          <a href={BASE_PATH} onClick={followInApp}>
            {t('not_found.back')}
          </a>
        }
      />
    </>
  );
}
