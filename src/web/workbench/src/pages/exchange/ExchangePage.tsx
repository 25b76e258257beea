import { Tabs } from 'antd';
import { type ReactNode, useState } from 'react';
import { PageTitle } from '../../components/PageTitle';
import { useLocale } from '../../locale-context';
import { DeadLettersPanel } from './DeadLettersPanel';
import { MappingsPanel } from './MappingsPanel';
import { MembersPanel } from './MembersPanel';
import { MessagesPanel } from './MessagesPanel';
import { OverviewPanel } from './OverviewPanel';
import { StandardsPanel } from './StandardsPanel';
import { SubscriptionsPanel } from './SubscriptionsPanel';
import './exchange.css';

const TABS = ['overview', 'members', 'standards', 'mappings', 'subscriptions', 'messages', 'dead-letters'] as const;
type Tab = (typeof TABS)[number];

function tabOf(search: string): Tab {
  const asked = new URLSearchParams(search).get('tab');
  return TABS.find((tab) => tab === asked) ?? 'overview';
}

/**
 * 数据交换: the exchange hub for its operators, one page with a tab per concern: an overview, the
 * members, the data standards, the members' mappings with a dry run, subscriptions to approve, the
 * message trace and the dead letters to resubmit. The open tab is kept in the address (`?tab=`), so
 * a reload or a shared link opens the same one.
 */
export function ExchangePage() {
  const { t } = useLocale();
  const [tab, setTab] = useState<Tab>(() => tabOf(window.location.search));
  // The dead-letter console sends the operator to the subscriber's mappings to correct them.
  const [mappingMember, setMappingMember] = useState<string | undefined>();

  const open = (next: Tab) => {
    setTab(next);
    const url = new URL(window.location.href);
    if (next === 'overview') url.searchParams.delete('tab');
    else url.searchParams.set('tab', next);
    // The same page: the back button should leave the exchange, not step through its tabs.
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}`);
  };

  const panels: Record<Tab, { label: string; content: ReactNode }> = {
    overview: { label: t('exchange.tab.overview'), content: <OverviewPanel /> },
    members: {
      label: t('exchange.tab.members'),
      content: (
        <MembersPanel
          onOpenMappings={(memberId) => {
            setMappingMember(memberId);
            open('mappings');
          }}
        />
      ),
    },
    standards: { label: t('exchange.tab.standards'), content: <StandardsPanel /> },
    mappings: {
      label: t('exchange.tab.mappings'),
      content: <MappingsPanel memberId={mappingMember} onMemberChange={setMappingMember} />,
    },
    subscriptions: { label: t('exchange.tab.subscriptions'), content: <SubscriptionsPanel /> },
    messages: { label: t('exchange.tab.messages'), content: <MessagesPanel /> },
    'dead-letters': {
      label: t('exchange.tab.dead_letters'),
      content: (
        <DeadLettersPanel
          onOpenMappings={(memberId) => {
            setMappingMember(memberId);
            open('mappings');
          }}
        />
      ),
    },
  };

  return (
    <>
      <PageTitle>{t('exchange.title')}</PageTitle>
      <p className="hint-text">{t('exchange.lead')}</p>
      <Tabs
        activeKey={tab}
        onChange={(key) => open(tabOf(`?tab=${key}`))}
        items={TABS.map((key) => ({ key, label: panels[key].label, children: panels[key].content }))}
      />
    </>
  );
}
