import { Button, Checkbox, Col, Form, Input, Row, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import { apiFetch } from '../../api-client';
import { type OrgUnit, type Page, PERSON_STATUSES, type PersonStatus, type PersonView } from '../../api-types';
import { CaptionedTable } from '../../components/CaptionedTable';
import { LiveStatus } from '../../components/LiveStatus';
import { OrgUnitTree } from '../../components/OrgUnitTree';
import { PageTitle } from '../../components/PageTitle';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useLocale } from '../../locale-context';
import { unitName } from '../../org-units';
import { useMayUse } from '../../session-context';
import { useLoad } from '../../use-load';
import { ImportModal } from './ImportModal';
import { PersonDrawer } from './PersonDrawer';
import { PersonFormModal } from './PersonFormModal';
import { PersonStatusTag } from './PersonStatusTag';

const PAGE_SIZE = 20;

/**
 * 组织机构与人员: the org tree on the left, the people of the chosen unit on the right (searchable,
 * filtered by status, a page at a time), a drawer for one person, and adding or importing people.
 */
export function DirectoryPage() {
  const { t, locale } = useLocale();
  const mayManage = useMayUse(['directory.manage']);
  const [unit, setUnit] = useState<OrgUnit | undefined>();
  const [includeSubtree, setIncludeSubtree] = useState(true);
  const [status, setStatus] = useState<PersonStatus | undefined>('active');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [openPerson, setOpenPerson] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [announcement, setAnnouncement] = useState<string>();

  const people = useLoad(
    (signal) =>
      apiFetch<Page<PersonView>>('/api/directory/v1/people', {
        query: {
          orgUnit: unit?.code,
          includeSubtree: unit ? includeSubtree : undefined,
          status,
          q: search.trim() || undefined,
          limit: PAGE_SIZE,
          offset: (page - 1) * PAGE_SIZE,
        },
        signal,
      }),
    [unit, includeSubtree, status, search, page],
  );

  const heading = unit ? unitName(unit, locale) : t('directory.all_people');
  const total = people.data?.total;

  return (
    <>
      <PageTitle>{t('directory.title')}</PageTitle>
      <Row gutter={[24, 24]}>
        <Col xs={24} lg={7}>
          <section className="panel" aria-labelledby="directory-tree-title">
            <h2 id="directory-tree-title" className="section-title">
              {t('directory.tree')}
            </h2>
            <OrgUnitTree
              selected={unit?.code}
              onSelect={(next) => {
                setUnit(next);
                setPage(1);
              }}
            />
          </section>
        </Col>
        <Col xs={24} lg={17}>
          <section className="panel" aria-labelledby="directory-people-title">
            <div className="section-head">
              <h2 id="directory-people-title" className="section-title">
                {heading}
              </h2>
              {mayManage ? (
                <Space wrap>
                  <Button type="primary" onClick={() => setCreating(true)}>
                    {t('directory.add_person')}
                  </Button>
                  <Button onClick={() => setImporting(true)}>{t('directory.import')}</Button>
                </Space>
              ) : null}
            </div>
            <Form
              name="people-filter"
              layout="inline"
              className="filter-form"
              onFinish={(values: { q?: string }) => {
                setSearch(values.q ?? '');
                setPage(1);
              }}
            >
              <Form.Item label={t('directory.search')} name="q">
                <Input allowClear placeholder={t('directory.search.placeholder')} />
              </Form.Item>
              <Form.Item label={t('directory.status')} htmlFor="directory-status">
                <Select
                  id="directory-status"
                  value={status ?? 'all'}
                  style={{ minWidth: 120 }}
                  onChange={(value: PersonStatus | 'all') => {
                    setStatus(value === 'all' ? undefined : value);
                    setPage(1);
                  }}
                  options={[
                    { value: 'all', label: t('directory.status.all') },
                    ...PERSON_STATUSES.map((value) => ({ value, label: t(`person.status.${value}`) })),
                  ]}
                />
              </Form.Item>
              {unit ? (
                <Form.Item>
                  <Checkbox checked={includeSubtree} onChange={(event) => setIncludeSubtree(event.target.checked)}>
                    {t('directory.include_subtree')}
                  </Checkbox>
                </Form.Item>
              ) : null}
              <Form.Item>
                <Button htmlType="submit">{t('directory.search.submit')}</Button>
              </Form.Item>
            </Form>
            <ProblemAlert error={people.error} className="block-alert" />
            <LiveStatus
              message={
                people.loading || total === undefined ? undefined : t('directory.people_count', { count: total })
              }
            />
            <CaptionedTable<PersonView>
              caption={t('directory.people_caption', { unit: heading })}
              rowKey="id"
              loading={people.loading}
              dataSource={people.error ? [] : (people.data?.items ?? [])}
              pagination={{
                current: page,
                pageSize: PAGE_SIZE,
                total: total ?? 0,
                showSizeChanger: false,
                onChange: setPage,
              }}
              columns={[
                { key: 'staffNo', title: t('person.staff_no'), dataIndex: 'staffNo' },
                {
                  key: 'name',
                  title: t('person.name'),
                  render: (_, person) => (
                    <Button type="link" className="inline-link" onClick={() => setOpenPerson(person.id)}>
                      {person.name}
                    </Button>
                  ),
                },
                {
                  key: 'post',
                  title: t('person.primary_post'),
                  render: (_, person) =>
                    person.posts[0] ? `${person.posts[0].orgUnitNameZh} · ${person.posts[0].title}` : '—',
                },
                {
                  key: 'status',
                  title: t('person.status'),
                  render: (_, person) => <PersonStatusTag status={person.status} />,
                },
                {
                  key: 'masked',
                  title: t('person.contact'),
                  render: (_, person) => (
                    <>
                      {person.mobile ?? '—'}
                      {person.masked ? <Tag className="masked-tag">{t('person.masked')}</Tag> : null}
                    </>
                  ),
                },
              ]}
            />
          </section>
        </Col>
      </Row>
      {openPerson ? (
        <PersonDrawer
          personId={openPerson}
          onClose={() => setOpenPerson(undefined)}
          onChanged={(message) => {
            setAnnouncement(message);
            people.reload();
          }}
        />
      ) : null}
      {creating ? (
        <PersonFormModal
          mode={{ kind: 'create', orgUnitCode: unit?.code }}
          onClose={() => setCreating(false)}
          onSaved={(person) => {
            setCreating(false);
            setAnnouncement(t('directory.person_created', { staffNo: person.staffNo }));
            people.reload();
            setOpenPerson(person.id);
          }}
        />
      ) : null}
      {importing ? (
        <ImportModal
          onClose={() => setImporting(false)}
          onImported={(message) => {
            setAnnouncement(message);
            people.reload();
          }}
        />
      ) : null}
      <LiveStatus message={announcement} />
    </>
  );
}
