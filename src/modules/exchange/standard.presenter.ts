/** Domain objects → API shapes of the data standards API. */
import type { CodeListWithEntries } from './code-list.service.js';
import { eventType } from './event-type.js';
import type {
  CodeList,
  CompatibilityReport,
  DataElement,
  StandardVersion,
  StandardVersionSummary,
  StandardWithVersions,
} from './standard.js';
import type {
  CodeListView,
  CodeListWithEntriesView,
  DataElementView,
  ReportView,
  StandardView,
  VersionView,
} from './standard.schema.js';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function presentVersionSummary(version: StandardVersionSummary) {
  return {
    version: version.version,
    status: version.status,
    publishedAt: iso(version.publishedAt),
    deprecatedAt: iso(version.deprecatedAt),
    breaking: version.breaking,
  };
}

export function presentStandard(standard: StandardWithVersions): StandardView {
  const released = standard.versions.filter((version) => version.status === 'published');
  return {
    code: standard.code,
    nameZh: standard.nameZh,
    nameEn: standard.nameEn,
    description: standard.description,
    ownerOrgUnitCode: standard.ownerOrgUnitCode,
    classification: standard.classification,
    latestPublishedVersion: released.at(-1)?.version ?? null,
    versions: standard.versions.map(presentVersionSummary),
    createdAt: standard.createdAt.toISOString(),
    updatedAt: standard.updatedAt.toISOString(),
  };
}

export function presentVersion(version: StandardVersion): VersionView {
  return {
    standardCode: version.standardCode,
    version: version.version,
    eventType: eventType(version.standardCode, version.version),
    status: version.status,
    schema: version.schema,
    changeNote: version.changeNote,
    breaking: version.breaking,
    compatibility: version.compatibility,
    publishedAt: iso(version.publishedAt),
    deprecatedAt: iso(version.deprecatedAt),
    createdAt: version.createdAt.toISOString(),
    updatedAt: version.updatedAt.toISOString(),
  };
}

export function presentReport(report: CompatibilityReport): ReportView {
  return { ...report, changes: report.changes.map((change) => ({ ...change })) };
}

export function presentCodeList(list: CodeList): CodeListView {
  return {
    id: list.id,
    nameZh: list.nameZh,
    nameEn: list.nameEn,
    source: list.source,
    description: list.description,
    entryCount: list.entryCount,
    createdAt: list.createdAt.toISOString(),
    updatedAt: list.updatedAt.toISOString(),
  };
}

export function presentCodeListWithEntries(list: CodeListWithEntries): CodeListWithEntriesView {
  return { ...presentCodeList(list), entries: list.entries.map((entry) => ({ ...entry })) };
}

export function presentDataElement(element: DataElement): DataElementView {
  return {
    id: element.id,
    nameZh: element.nameZh,
    nameEn: element.nameEn,
    definitionZh: element.definitionZh,
    definitionEn: element.definitionEn,
    dataType: element.dataType,
    format: element.format,
    codeListId: element.codeListId,
    createdAt: element.createdAt.toISOString(),
    updatedAt: element.updatedAt.toISOString(),
  };
}
