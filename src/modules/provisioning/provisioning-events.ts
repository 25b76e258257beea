/**
 * What provisioning does when the directory changes: every `directory.person.changed` event
 * refreshes the person's SCIM picture and mailbox, in the delivery's transaction (so it happens
 * exactly once per committed change, and a failure is retried by the dispatcher).
 */
import { SYSTEM_ACTOR } from '../../platform/authorization.js';
import type { EventDispatcher } from '../../platform/events/dispatcher.js';
import { PERSON_CHANGED_EVENT, type PersonChangedEvent } from '../directory/index.js';
import { type SyncSettings, syncPerson } from './person-sync.service.js';

/** The subscriber's stable name: it keys the dispatcher's cursor. */
export const PROVISIONING_SUBSCRIBER = 'provisioning.people';

/**
 * Subscribes provisioning to the directory's person events. A new subscriber starts from the first
 * event ever recorded, so people created before provisioning was switched on are provisioned too.
 * @example subscribeProvisioning(runtime.events, { mail: { domain: config.mailDomain, rule: config.mailRule } });
 */
export function subscribeProvisioning(events: EventDispatcher, settings: SyncSettings): void {
  events.subscribe(PROVISIONING_SUBSCRIBER, { types: [PERSON_CHANGED_EVENT] }, async (event, tx) => {
    const { personId } = event.payload as PersonChangedEvent;
    await syncPerson(tx, personId, settings, SYSTEM_ACTOR);
  });
}
