/**
 * A role: a named bundle of permissions. Platform roles (`platform.*`) are built in and bundle the
 * platform's permissions; a registered system's roles (`<client id>.<name>`) bundle its own `app:…`
 * permissions, which the platform only hands on in that system's tokens.
 */
import type { Duty } from './permission-catalogue.js';

/** A registered system's OAuth client id, as the identity module will issue them. */
export const APPLICATION_PATTERN = /^[a-z][a-z0-9-]{2,62}$/;
/** The part of an application role's code after `<client id>.`. */
export const ROLE_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
/** Any role code, platform or application. */
export const ROLE_CODE_PATTERN = /^[a-z][a-z0-9-]{2,62}\.[a-z][a-z0-9_-]{0,62}$/;
/** The reserved owner of the built-in roles. */
export const PLATFORM_APPLICATION = 'platform';

export interface Role {
  code: string;
  /** The registered system's client id; null for platform roles. */
  application: string | null;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  permissions: string[];
  duty: Duty | null;
  builtIn: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApplicationRoleInput {
  application: string;
  /** The code becomes `<application>.<name>`. */
  name: string;
  nameZh: string;
  nameEn: string;
  descriptionZh?: string | undefined;
  descriptionEn?: string | undefined;
  /** `app:…` permissions, e.g. `app:leave.approve`. */
  permissions: string[];
}

/** What an update may change; absent fields stay. The code and the application never change. */
export type ApplicationRolePatch = Partial<Omit<ApplicationRoleInput, 'application' | 'name'>>;
