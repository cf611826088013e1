import type { LoaderScope } from '../../graphql/loaders';
import type { DataSource } from 'typeorm';
import { byIdLoader, groupLoader } from '../../shared/loader';
import DataLoader from 'dataloader';
import { CONSENT_HOLDER_ROLES } from '../../access/policy';
import { Consent, ConsentScope } from './consent.entity';

/** Consents are the patient's own and ADMIN's: the loaders fetch no other. */
export function createConsentLoaders(db: DataSource, scope: LoaderScope) {
  const { viewer, visibility: v } = scope;
  const visible = () => db.getRepository(Consent).createQueryBuilder('c').where(v.consent('c'), v.params);
  const holdsConsent = viewer !== null && viewer.orgId !== null && CONSENT_HOLDER_ROLES.includes(viewer.role);
  return {
    /**
     * The scopes of the patients' active consents held by the viewer's organisation (granted to it
     * or to the whole alliance) for the request's purpose: read once per patient and request, so a
     * withdrawal counts from the next request on.
     */
    viewerConsentScopes: new DataLoader<string, Set<ConsentScope>>(async (patientIds) => {
      if (!holdsConsent) return patientIds.map(() => new Set<ConsentScope>());
      const rows: { patient_id: string; scopes: ConsentScope[] }[] = await db.query(
        `SELECT patient_id, array_agg(DISTINCT scope) AS scopes
           FROM consent, unnest(scopes) AS scope
          WHERE patient_id = ANY($1) AND (grantee_id = $2 OR grantee_id IS NULL) AND $3 = ANY(purposes)
            AND withdrawn_at IS NULL AND (expires_at IS NULL OR expires_at > now())
          GROUP BY patient_id`,
        [patientIds, viewer.orgId, viewer.purpose],
      );
      const byPatient = new Map(rows.map((row) => [row.patient_id, new Set(row.scopes)]));
      return patientIds.map((id) => byPatient.get(id) ?? new Set<ConsentScope>());
    }),
    consent: byIdLoader((ids) => visible().andWhere('c.id = ANY(:ids)', { ids }).getMany()),
    /** Every visible consent of each patient, withdrawn and expired ones included, oldest first. */
    consentsByPatient: groupLoader(
      (ids) =>
        visible()
          .andWhere('c.patient_id = ANY(:ids)', { ids })
          .orderBy('c.created_at')
          .addOrderBy('c.id')
          .getMany(),
      (c) => c.patientId,
    ),
  };
}
