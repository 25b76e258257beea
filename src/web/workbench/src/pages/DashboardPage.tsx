import { Card, Col, Empty, Row } from 'antd';
import { PageTitle } from '../components/PageTitle';
import { PlatformStatusCard } from '../components/PlatformStatusCard';
import { useLocale } from '../locale-context';

/** The first page staff see. Modules add their panels here as they are enabled. */
export function DashboardPage() {
  const { t } = useLocale();
  return (
    <>
      <PageTitle>{t('dashboard.title')}</PageTitle>
      <Row gutter={[24, 24]}>
        <Col xs={24} lg={16}>
          <Card>
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.empty')} />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <PlatformStatusCard />
        </Col>
      </Row>
    </>
  );
}
