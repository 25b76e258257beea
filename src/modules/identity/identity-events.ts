/**
 * What identity does when the directory changes: a person who is suspended or leaves loses every
 * session at once (the cookie and, through `identity.session.ended`, the office systems' single
 * sign-on). Sign-in already refuses them; this ends what they had open.
 */
import type { EventDispatcher } from '../../platform/events/dispatcher.js';
import { getPerson, PERSON_CHANGED_EVENT, type PersonChangedEvent } from '../directory/index.js';
import { endSessionsOfPerson } from './session.service.js';

export const IDENTITY_SUBSCRIBER = 'identity.sessions-of-inactive-people';

/**
 * Subscribes identity to the directory's events; call before `events.start()`.
 * @example subscribeIdentity(runtime.events);
 */
export function subscribeIdentity(events: EventDispatcher): void {
  events.subscribe(IDENTITY_SUBSCRIBER, { types: [PERSON_CHANGED_EVENT] }, async (event, tx) => {
    const { personId, fields } = event.payload as PersonChangedEvent;
    if (!fields.includes('status')) return;
    // The event says what changed, not to what: read the person as it is now (a later event may
    // already have reactivated them, and then nothing is to be ended).
    const person = await getPerson(tx, personId);
    if (person.status === 'active') return;
    await endSessionsOfPerson(tx, personId, person.status === 'left' ? 'person_left' : 'person_suspended');
  });
}
