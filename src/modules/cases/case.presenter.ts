/**
 * Domain objects → API shapes of the case API. The one place that decides what of the applicant a
 * reader sees: whole for those who work on the case and for the applicant (CaseDetail.applicantWhole),
 * masked for supervisors, with the application form left out (it repeats the applicant's particulars
 * and supervision does not need it). Applicants see their case's steps without the staff behind them.
 */
import { maskName, maskPhone, maskResidentId } from '../../platform/identifiers/mask.js';
import type { CaseDetail, CaseStep, Stage } from './case.js';
import type { CaseView } from './case.schema.js';

/** Who reads the view: staff see who acted; applicants see the post and unit only. */
export type Audience = 'staff' | 'public';

/**
 * @example reply.send(presentCase(await getCase(db, viewer, id, deps), 'staff'));
 */
export function presentCase(detail: CaseDetail, audience: Audience): CaseView {
  const { applicant, applicantWhole, form, steps, stages, ...rest } = detail;
  return {
    ...rest,
    applicantWhole,
    applicant: applicantWhole
      ? applicant
      : {
          kind: applicant.kind,
          name: maskName(applicant.name),
          idNumber: maskResidentId(applicant.idNumber),
          mobile: applicant.mobile === null ? null : maskPhone(applicant.mobile),
        },
    form: applicantWhole ? form : {},
    stages: stages.map(presentStage),
    steps: steps.map((step) => presentStep(step, audience)),
  };
}

export function presentStage(stage: Stage): Stage {
  return {
    key: stage.key,
    nameZh: stage.nameZh,
    nameEn: stage.nameEn,
    unitCode: stage.unitCode,
    permission: stage.permission,
  };
}

function presentStep(step: CaseStep, audience: Audience): CaseView['steps'][number] {
  const staffHidden = audience === 'public' && step.actor.type !== 'public';
  return { ...step, actor: staffHidden ? null : step.actor };
}
