/**
 * An exchange to test against, on a test platform: the demo organisation and standards, members
 * registered through the member service (each a real OAuth client), publication rights, an inbound
 * XML mapping for the population register, and approved subscriptions. Plus the calls a member makes.
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { seedDemoOrganisation } from '../../src/modules/directory/index.js';
import { seedDemoStandards } from '../../src/modules/exchange/index.js';
import { saveMapping } from '../../src/modules/exchange/mapping.service.js';
import { grantPublisher, registerMember } from '../../src/modules/exchange/member.service.js';
import { approveSubscription, requestSubscription } from '../../src/modules/exchange/subscription.service.js';
import { SYSTEM_ACTOR } from '../../src/platform/authorization.js';
import { residentIdCheckCharacter } from '../../src/platform/identifiers/resident-id.js';
import type { TestPlatform } from './runtime.js';

/** The population register's own XML, as its system writes it (公安人口系统). */
export const POPULATION_XML_MAPPING = `RKXX.{
  "idNumber": GMSFHM,
  "name": XM,
  "sex": XB,
  "birthDate": $substring(CSRQ, 0, 4) & "-" & $substring(CSRQ, 4, 2) & "-" & $substring(CSRQ, 6, 2),
  "domicileDivision": HJDZ_XZQH
}`;

/** A valid resident id that differs by the last three digits of `serial`. */
export function residentId(serial: string): string {
  const first17 = `11010519800101${serial.padStart(3, '0').slice(-3)}`;
  return first17 + residentIdCheckCharacter(first17);
}

export function personXml(serial: string, name = '张三'): string {
  return `<?xml version="1.0" encoding="UTF-8"?><RKXX><GMSFHM>${residentId(serial)}</GMSFHM><XM>${name}</XM><XB>1</XB><CSRQ>19800101</CSRQ><HJDZ_XZQH>110105</HJDZ_XZQH></RKXX>`;
}

/** A CloudEvent from the population register carrying one person in its XML. */
export function populationEvent(id: string, serial: string, extra: Record<string, unknown> = {}) {
  return {
    specversion: '1.0',
    id,
    source: 'gaj-rkxt',
    type: 'huitong.population-basic.v1',
    datacontenttype: 'application/xml',
    partitionkey: residentId(serial),
    data: personXml(serial),
    ...extra,
  };
}

export interface TestExchange {
  secrets: Map<string, string>;
  /** Subscription ids by member. */
  subscriptions: Map<string, string>;
  token(memberId: string): Promise<string>;
  publish(memberId: string, body: unknown, contentType?: string): Promise<LightMyRequestResponse>;
}

/**
 * Seeds the exchange: `gaj-rkxt` publishes population-basic in XML; each of `subscribers` takes it.
 * @example const exchange = await seedTestExchange(platform, [{ id: 'mz-jzxt', mode: 'push', endpoint }]);
 */
export async function seedTestExchange(
  platform: TestPlatform,
  subscribers: ReadonlyArray<{
    id: string;
    mode: 'push' | 'pull';
    endpoint?: string;
    zone?: 'internal' | 'external';
    /** A JSONata condition on the standard payload. */
    filter?: string;
    /** The member's owner unit; D01 unless given. */
    ownerOrgUnitCode?: string;
  }>,
): Promise<TestExchange> {
  const db = platform.runtime.database.kysely;
  const policy = platform.runtime.policy;
  const secrets = new Map<string, string>();
  const subscriptions = new Map<string, string>();
  const tokens = new Map<string, string>();
  await seedDemoOrganisation(platform.runtime.database);
  await seedDemoStandards(db);
  const member = async (id: string, zone: 'internal' | 'external', ownerOrgUnitCode: string) => {
    const { clientSecret } = await registerMember(
      db,
      SYSTEM_ACTOR,
      { id, nameZh: `系统${id}`, nameEn: `System ${id}`, ownerOrgUnitCode, zone },
      { policy, secrets: platform.runtime.secrets },
    );
    secrets.set(id, clientSecret);
  };
  await member('gaj-rkxt', 'internal', 'D07');
  await grantPublisher(db, SYSTEM_ACTOR, 'population-basic', 'gaj-rkxt', { policy });
  await saveMapping(
    db,
    SYSTEM_ACTOR,
    { policy },
    { memberId: 'gaj-rkxt', standardCode: 'population-basic', standardVersion: 1, direction: 'inbound' },
    { format: 'xml', expression: POPULATION_XML_MAPPING },
  );
  for (const subscriber of subscribers) {
    await member(subscriber.id, subscriber.zone ?? 'internal', subscriber.ownerOrgUnitCode ?? 'D01');
    if (subscriber.zone === 'external') continue; // approval would refuse it: the zone rule
    const requested = await requestSubscription(
      db,
      SYSTEM_ACTOR,
      {
        memberId: subscriber.id,
        standardCode: 'population-basic',
        mode: subscriber.mode,
        endpoint: subscriber.endpoint ?? null,
        filter: subscriber.filter ?? null,
      },
      { policy },
    );
    await approveSubscription(db, SYSTEM_ACTOR, requested.id, { policy });
    subscriptions.set(subscriber.id, requested.id);
  }
  const token = async (id: string): Promise<string> => {
    const cached = tokens.get(id);
    if (cached) return cached;
    const response = await platform.app.inject({
      method: 'POST',
      url: '/oidc/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${id}:${secrets.get(id)}`).toString('base64')}`,
      },
      payload: 'grant_type=client_credentials&scope=exchange',
    });
    expect(response.statusCode, response.body).toBe(200);
    const accessToken = response.json().access_token as string;
    tokens.set(id, accessToken);
    return accessToken;
  };
  return {
    secrets,
    subscriptions,
    token,
    async publish(id, body, contentType = 'application/cloudevents+json') {
      return platform.app.inject({
        method: 'POST',
        url: '/api/exchange/v1/messages',
        headers: { authorization: `Bearer ${await token(id)}`, 'content-type': contentType },
        payload: JSON.stringify(body),
      });
    },
  };
}
