import { ObjectType } from 'type-graphql';
import { Payload } from '../../shared/mutation';
import { Patient } from '../stakeholder/stakeholder.entity';

@ObjectType({ description: 'The result of `erasePatient`: the erased patient, or userErrors.' })
export class ErasePatientPayload extends Payload(Patient, 'patient', 'ErasePatientPayload') {}

/** JSON values only: the export is one machine-readable document (GDPR Art. 20). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Row = Record<string, Json>;

/**
 * Everything the alliance holds about one patient (`exportMyData`, `npm run gdpr:export`), as
 * one JSON document. Ids are the API's global ids; times are ISO 8601 in UTC, dates YYYY-MM-DD,
 * contract amounts in minor units. Other patients appear in it by no name or id, other
 * organisations' interaction notes and the staff who recorded or read anything not at all.
 */
export interface PatientDataExport {
  format: 'alliance-graph/patient-data-export';
  formatVersion: 1;
  exportedAt: string;
  patientId: string;
  /** Every column of the patient's record. */
  profile: Row;
  /** Every consent ever granted, withdrawn and expired ones included, with its status now. */
  consents: Row[];
  /** Memberships of partnerships, former ones included. */
  memberships: Row[];
  /** Contracts the patient is a party of, with the patient's role, signature and the contract's value. */
  contracts: Row[];
  /** Interactions the patient took part in: never their notes or who recorded them. */
  interactions: Row[];
  /** Commitments the patient made or benefits from. */
  commitments: Row[];
  /** Affiliations from or to the patient. */
  affiliations: Row[];
  /** Who accessed the patient's record: organisation, role, purpose, action, fields, time; never the staff member. */
  accessLog: Row[];
  /** The patient's own quality assessments of partnerships (PFMD criteria), every one ever made, with scores and evidence. */
  qualityAssessments: Row[];
}

/** The sections of the document: what the audit row of an export names as its fields. */
export const EXPORT_SECTIONS = ['profile', 'consents', 'memberships', 'contracts', 'interactions', 'commitments', 'affiliations', 'accessLog', 'qualityAssessments'] as const;
