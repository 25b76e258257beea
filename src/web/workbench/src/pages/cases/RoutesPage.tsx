import { Button, Form, Input } from 'antd';
import { useEffect, useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import { FormSelect } from '../../components/FormSelect';
import { LiveStatus } from '../../components/LiveStatus';
import { PageTitle } from '../../components/PageTitle';
import { ProblemAlert } from '../../components/ProblemAlert';
import { showFieldErrors } from '../../field-errors';
import { useLocale } from '../../locale-context';
import { useLoad } from '../../use-load';
import { CASES_API, type Stage } from './case-types';
import { ItemPicker } from './ItemPicker';
import './cases.css';

/** The migration's bound on a route's stages (cases.route.stages). */
const MAX_STAGES = 12;
const PERMISSIONS = ['cases.handle', 'cases.decide'] as const;

interface Values {
  stages?: Array<Partial<Stage>>;
}

/**
 * 路由配置: how a service item's cases travel after 受理 — its stages in order, each at a unit and
 * needing a permission there, the last one the decision. Edited as a table: add, remove, move up and
 * down, then save the whole route (PUT /routes/:itemCode).
 */
export function RoutesPage() {
  const { t } = useLocale();
  const [itemCode, setItemCode] = useState<string>();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ error: unknown; rest?: ProblemField[] }>();
  const [done, setDone] = useState<string>();
  const route = useLoad(
    itemCode
      ? (signal) =>
          apiFetch<Stage[] | { stages: Stage[] }>(`${CASES_API}/routes/${encodeURIComponent(itemCode)}`, { signal })
      : undefined,
    [itemCode],
  );

  useEffect(() => {
    if (route.data) form.setFieldsValue({ stages: stagesOf(route.data) });
  }, [route.data, form]);

  const save = async (values: Values) => {
    if (!itemCode) return;
    setSaving(true);
    setProblem(undefined);
    setDone(undefined);
    try {
      const saved = await apiFetch<Stage[] | { stages: Stage[] }>(
        `${CASES_API}/routes/${encodeURIComponent(itemCode)}`,
        {
          method: 'PUT',
          json: {
            stages: (values.stages ?? []).map((stage) => ({
              key: stage.key?.trim() ?? '',
              nameZh: stage.nameZh?.trim() ?? '',
              nameEn: stage.nameEn?.trim() ?? '',
              unitCode: stage.unitCode?.trim() ?? '',
              permission: stage.permission ?? 'cases.handle',
            })),
          },
        },
      );
      form.setFieldsValue({ stages: stagesOf(saved) });
      setDone(t('cases.routes.saved'));
    } catch (error) {
      const rest = error instanceof ApiProblem ? showFieldErrors(form, error, t, []) : undefined;
      setProblem({ error, rest });
    } finally {
      setSaving(false);
    }
  };

  const required = [{ required: true, message: t('field.reason.required') }];

  return (
    <>
      <PageTitle>{t('cases.routes.title')}</PageTitle>
      <p className="hint-text">{t('cases.routes.lead')}</p>
      <div className="panel">
        <label htmlFor="route-item" className="field-label">
          {t('cases.field.item')}
        </label>
        <ItemPicker id="route-item" value={itemCode} onChange={(code) => setItemCode(code)} />
      </div>
      <LiveStatus message={done} />
      <ProblemAlert error={route.error} className="block-alert" />
      <ProblemAlert error={problem?.error} fields={problem?.rest} className="block-alert" />
      {itemCode && route.data ? (
        <Form<Values> form={form} name="case-route" onFinish={save} className="panel">
          <Form.List name="stages">
            {(fields, { add, remove, move }) => (
              <>
                <table className="route-table">
                  <caption className="table-caption">{t('cases.routes.caption', { count: fields.length })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('cases.routes.order')}</th>
                      <th scope="col">{t('cases.routes.key')}</th>
                      <th scope="col">{t('cases.routes.name_zh')}</th>
                      <th scope="col">{t('cases.routes.name_en')}</th>
                      <th scope="col">{t('cases.routes.unit')}</th>
                      <th scope="col">{t('cases.routes.permission')}</th>
                      <th scope="col">{t('common.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {fields.map((field, index) => {
                      const n = index + 1;
                      return (
                        <tr key={field.key}>
                          <th scope="row">{n}</th>
                          <td>
                            <Form.Item name={[field.name, 'key']} rules={required}>
                              <Input aria-label={t('cases.routes.key_n', { n })} spellCheck={false} maxLength={40} />
                            </Form.Item>
                          </td>
                          <td>
                            <Form.Item name={[field.name, 'nameZh']} rules={required}>
                              <Input aria-label={t('cases.routes.name_zh_n', { n })} maxLength={100} />
                            </Form.Item>
                          </td>
                          <td>
                            <Form.Item name={[field.name, 'nameEn']} rules={required}>
                              <Input aria-label={t('cases.routes.name_en_n', { n })} lang="en" maxLength={100} />
                            </Form.Item>
                          </td>
                          <td>
                            <Form.Item name={[field.name, 'unitCode']} rules={required}>
                              <Input aria-label={t('cases.routes.unit_n', { n })} spellCheck={false} maxLength={32} />
                            </Form.Item>
                          </td>
                          <td>
                            <Form.Item name={[field.name, 'permission']} rules={required}>
                              <FormSelect
                                aria-label={t('cases.routes.permission_n', { n })}
                                className="filter-select"
                                options={PERMISSIONS.map((value) => ({ value, label: t(`cases.routes.${value}`) }))}
                              />
                            </Form.Item>
                          </td>
                          <td>
                            <div className="button-row">
                              <Button size="small" disabled={index === 0} onClick={() => move(index, index - 1)}>
                                {t('cases.routes.up', { n })}
                              </Button>
                              <Button
                                size="small"
                                disabled={index === fields.length - 1}
                                onClick={() => move(index, index + 1)}
                              >
                                {t('cases.routes.down', { n })}
                              </Button>
                              <Button
                                size="small"
                                danger
                                disabled={fields.length === 1}
                                onClick={() => remove(field.name)}
                              >
                                {t('cases.routes.remove', { n })}
                              </Button>
                            </div>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                <p className="hint-text">{t('cases.routes.last_decides')}</p>
                <div className="button-row">
                  <Button
                    disabled={fields.length >= MAX_STAGES}
                    onClick={() => add({ key: '', nameZh: '', nameEn: '', unitCode: '', permission: 'cases.handle' })}
                  >
                    {t('cases.routes.add')}
                  </Button>
                  <Button type="primary" htmlType="submit" loading={saving}>
                    {t('common.save')}
                  </Button>
                </div>
              </>
            )}
          </Form.List>
        </Form>
      ) : null}
    </>
  );
}

/** The stages of a route answer: a list, or a list under `stages`. */
function stagesOf(answer: Stage[] | { stages: Stage[] }): Stage[] {
  return Array.isArray(answer) ? answer : answer.stages;
}
