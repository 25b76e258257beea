import { Modal, type ModalProps } from 'antd';

/**
 * A dialog whose OK button is named by its label alone, busy or not. antd shows `confirmLoading` as an
 * icon labelled "loading" inside the button, and when the icon's leave transition never ends (as after
 * a refused submit) a screen reader goes on announcing "loading 新建". Here the label is the button's
 * name, and the busy state is said the way ARIA says it, with aria-busy.
 *
 * @example
 * <ActionModal open title={t('x.title')} okText={t('x.submit')} confirmLoading={saving} onOk={save} />
 */
export function ActionModal({ okText, confirmLoading, okButtonProps, ...props }: ModalProps & { okText: string }) {
  return (
    <Modal
      {...props}
      okText={okText}
      confirmLoading={confirmLoading}
      okButtonProps={{ ...okButtonProps, 'aria-label': okText, 'aria-busy': confirmLoading || undefined }}
    />
  );
}
