import { Table, type TableProps } from 'antd';
import { createContext, type HTMLAttributes, useContext } from 'react';

const CaptionContext = createContext<string>('');

/**
 * antd's table element with a real `<caption>` (WCAG 1.3.1: a table is named by its caption). One
 * stable component reads the caption from context, so the table is not re-created on each render.
 */
function TableWithCaption({ children, ...props }: HTMLAttributes<HTMLTableElement>) {
  const caption = useContext(CaptionContext);
  return (
    <table {...props}>
      <caption className="table-caption">{caption}</caption>
      {children}
    </table>
  );
}

const COMPONENTS = { table: TableWithCaption };

/**
 * An antd Table named by a caption.
 * @example <CaptionedTable caption={t('people.caption')} rowKey="id" columns={columns} dataSource={items} />
 */
export function CaptionedTable<T extends object>({ caption, ...props }: TableProps<T> & { caption: string }) {
  return (
    <CaptionContext.Provider value={caption}>
      <Table<T> components={COMPONENTS} {...props} />
    </CaptionContext.Provider>
  );
}
