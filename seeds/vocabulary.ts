/**
 * The words the demo alliance is made of. Regulators and HTA bodies are the real public agencies
 * (reference data, with their official websites); every company, patient organisation, research
 * organisation and person is fictional, with websites and emails on reserved example domains.
 */

export interface AgencyEntry {
  key: string;
  name: string;
  country: string | null;
  jurisdiction: string;
  /** agencyType for a regulator, appraisalScope for an HTA body. */
  detail: string;
  website: string;
  countries: string[];
}

export const REGULATORS: readonly AgencyEntry[] = [
  { key: 'EMA', name: 'European Medicines Agency (EMA)', country: 'NL', jurisdiction: 'European Union / EEA', detail: 'Supranational medicines agency', website: 'https://www.ema.europa.eu', countries: ['EU', 'IS', 'LI', 'NO'] },
  { key: 'FDA', name: 'U.S. Food and Drug Administration (FDA)', country: 'US', jurisdiction: 'United States', detail: 'National medicines and devices regulator', website: 'https://www.fda.gov', countries: ['US'] },
  { key: 'MHRA', name: 'Medicines and Healthcare products Regulatory Agency (MHRA)', country: 'GB', jurisdiction: 'United Kingdom', detail: 'National medicines and devices regulator', website: 'https://www.gov.uk/mhra', countries: ['GB'] },
  { key: 'PMDA', name: 'Pharmaceuticals and Medical Devices Agency (PMDA)', country: 'JP', jurisdiction: 'Japan', detail: 'National review agency', website: 'https://www.pmda.go.jp', countries: ['JP'] },
  { key: 'HC', name: 'Health Canada', country: 'CA', jurisdiction: 'Canada', detail: 'National medicines and devices regulator', website: 'https://www.canada.ca/en/health-canada.html', countries: ['CA'] },
  { key: 'SMC-CH', name: 'Swissmedic', country: 'CH', jurisdiction: 'Switzerland', detail: 'National therapeutic products agency', website: 'https://www.swissmedic.ch', countries: ['CH', 'LI'] },
  { key: 'BFARM', name: 'Federal Institute for Drugs and Medical Devices (BfArM)', country: 'DE', jurisdiction: 'Germany', detail: 'National competent authority', website: 'https://www.bfarm.de', countries: ['DE'] },
  { key: 'PEI', name: 'Paul-Ehrlich-Institut (PEI)', country: 'DE', jurisdiction: 'Germany', detail: 'National competent authority for vaccines and biomedicines', website: 'https://www.pei.de', countries: ['DE'] },
  { key: 'ANSM', name: 'Agence nationale de sécurité du médicament (ANSM)', country: 'FR', jurisdiction: 'France', detail: 'National competent authority', website: 'https://ansm.sante.fr', countries: ['FR'] },
  { key: 'AEMPS', name: 'Agencia Española de Medicamentos y Productos Sanitarios (AEMPS)', country: 'ES', jurisdiction: 'Spain', detail: 'National competent authority', website: 'https://www.aemps.gob.es', countries: ['ES'] },
  { key: 'CBG', name: 'Medicines Evaluation Board (CBG-MEB)', country: 'NL', jurisdiction: 'Netherlands', detail: 'National competent authority', website: 'https://www.cbg-meb.nl', countries: ['NL'] },
  { key: 'DKMA', name: 'Danish Medicines Agency', country: 'DK', jurisdiction: 'Denmark', detail: 'National competent authority', website: 'https://laegemiddelstyrelsen.dk', countries: ['DK'] },
  { key: 'MPA', name: 'Swedish Medical Products Agency (Läkemedelsverket)', country: 'SE', jurisdiction: 'Sweden', detail: 'National competent authority', website: 'https://www.lakemedelsverket.se', countries: ['SE'] },
  { key: 'HPRA', name: 'Health Products Regulatory Authority (HPRA)', country: 'IE', jurisdiction: 'Ireland', detail: 'National competent authority', website: 'https://www.hpra.ie', countries: ['IE'] },
  { key: 'TGA', name: 'Therapeutic Goods Administration (TGA)', country: 'AU', jurisdiction: 'Australia', detail: 'National medicines and devices regulator', website: 'https://www.tga.gov.au', countries: ['AU'] },
];

export const HTA_BODIES: readonly AgencyEntry[] = [
  { key: 'NICE', name: 'National Institute for Health and Care Excellence (NICE)', country: 'GB', jurisdiction: 'England and Wales', detail: 'Clinical and cost-effectiveness of medicines, devices and diagnostics', website: 'https://www.nice.org.uk', countries: ['GB'] },
  { key: 'SMC', name: 'Scottish Medicines Consortium (SMC)', country: 'GB', jurisdiction: 'Scotland', detail: 'Clinical and cost-effectiveness of new medicines', website: 'https://www.scottishmedicines.org.uk', countries: ['GB'] },
  { key: 'GBA', name: 'Federal Joint Committee (G-BA)', country: 'DE', jurisdiction: 'Germany', detail: 'Added-benefit decisions (AMNOG) and benefit catalogue', website: 'https://www.g-ba.de', countries: ['DE'] },
  { key: 'IQWIG', name: 'Institute for Quality and Efficiency in Health Care (IQWiG)', country: 'DE', jurisdiction: 'Germany', detail: 'Added-benefit dossier assessments for the G-BA', website: 'https://www.iqwig.de', countries: ['DE'] },
  { key: 'HAS', name: 'Haute Autorité de Santé (HAS)', country: 'FR', jurisdiction: 'France', detail: 'Clinical benefit (SMR/ASMR) and health-economic opinions', website: 'https://www.has-sante.fr', countries: ['FR'] },
  { key: 'AIFA', name: 'Italian Medicines Agency (AIFA)', country: 'IT', jurisdiction: 'Italy', detail: 'Pricing, reimbursement and innovativeness of medicines', website: 'https://www.aifa.gov.it', countries: ['IT'] },
  { key: 'ZIN', name: 'Zorginstituut Nederland (ZIN)', country: 'NL', jurisdiction: 'Netherlands', detail: 'Basic health insurance package advice', website: 'https://www.zorginstituutnederland.nl', countries: ['NL'] },
  { key: 'TLV', name: 'Dental and Pharmaceutical Benefits Agency (TLV)', country: 'SE', jurisdiction: 'Sweden', detail: 'Reimbursement and pricing of medicines', website: 'https://www.tlv.se', countries: ['SE'] },
  { key: 'CDA', name: "Canada's Drug Agency (CDA-AMC, formerly CADTH)", country: 'CA', jurisdiction: 'Canada', detail: 'Reimbursement reviews of drugs and devices', website: 'https://www.cda-amc.ca', countries: ['CA'] },
  { key: 'ICER', name: 'Institute for Clinical and Economic Review (ICER)', country: 'US', jurisdiction: 'United States', detail: 'Independent value assessments', website: 'https://icer.org', countries: ['US'] },
  { key: 'KCE', name: 'Belgian Health Care Knowledge Centre (KCE)', country: 'BE', jurisdiction: 'Belgium', detail: 'Health technology assessments and health services research', website: 'https://kce.fgov.be', countries: ['BE'] },
  { key: 'NCPE', name: 'National Centre for Pharmacoeconomics (NCPE)', country: 'IE', jurisdiction: 'Ireland', detail: 'Pharmacoeconomic evaluation of medicines', website: 'https://www.ncpe.ie', countries: ['IE'] },
  { key: 'MEDRAAD', name: 'Danish Medicines Council (Medicinrådet)', country: 'DK', jurisdiction: 'Denmark', detail: 'Recommendations on new hospital medicines', website: 'https://medicinraadet.dk', countries: ['DK'] },
  { key: 'HTACG', name: 'Member State Coordination Group on HTA (HTACG)', country: null, jurisdiction: 'European Union', detail: 'Joint clinical assessments under Regulation (EU) 2021/2282', website: 'https://health.ec.europa.eu/health-technology-assessment_en', countries: ['EU'] },
];

export interface TherapeuticArea {
  area: string;
  conditions: string[];
}

export const THERAPEUTIC_AREAS: readonly TherapeuticArea[] = [
  { area: 'Oncology', conditions: ['breast cancer', 'non-small cell lung cancer', 'multiple myeloma', 'prostate cancer', 'melanoma', 'colorectal cancer'] },
  { area: 'Haematology', conditions: ['haemophilia A', 'haemophilia B', 'sickle cell disease', 'beta thalassaemia'] },
  { area: 'Rare diseases', conditions: ['Duchenne muscular dystrophy', 'spinal muscular atrophy', 'Fabry disease', 'Pompe disease', "Huntington's disease", 'phenylketonuria'] },
  { area: 'Neurology', conditions: ['multiple sclerosis', "Parkinson's disease", "Alzheimer's disease", 'epilepsy', 'migraine', 'amyotrophic lateral sclerosis'] },
  { area: 'Immunology', conditions: ['rheumatoid arthritis', 'psoriasis', "Crohn's disease", 'ulcerative colitis', 'systemic lupus erythematosus', 'atopic dermatitis'] },
  { area: 'Respiratory', conditions: ['cystic fibrosis', 'severe asthma', 'COPD', 'idiopathic pulmonary fibrosis'] },
  { area: 'Cardiometabolic', conditions: ['type 1 diabetes', 'type 2 diabetes', 'heart failure', 'obesity', 'familial hypercholesterolaemia'] },
  { area: 'Nephrology', conditions: ['chronic kidney disease', 'IgA nephropathy', 'polycystic kidney disease'] },
  { area: 'Mental health', conditions: ['major depressive disorder', 'schizophrenia', 'bipolar disorder'] },
  { area: 'Infectious diseases', conditions: ['HIV', 'hepatitis B', 'long COVID'] },
  { area: 'Ophthalmology', conditions: ['age-related macular degeneration', 'retinitis pigmentosa', 'glaucoma'] },
];

export interface CompanyEntry {
  name: string;
  type: 'PHARMA' | 'BIOTECH' | 'MEDTECH' | 'CRO';
  country: string;
  areas: string[];
  efpia: boolean;
}

export const COMPANIES: readonly CompanyEntry[] = [
  { name: 'Helix Therapeutics', type: 'PHARMA', country: 'CH', areas: ['Respiratory', 'Rare diseases'], efpia: true },
  { name: 'Northbridge Pharma', type: 'PHARMA', country: 'GB', areas: ['Oncology', 'Immunology'], efpia: true },
  { name: 'Aurelia Biosciences', type: 'BIOTECH', country: 'FR', areas: ['Rare diseases', 'Neurology'], efpia: false },
  { name: 'Kestrel Biologics', type: 'BIOTECH', country: 'DE', areas: ['Immunology'], efpia: false },
  { name: 'Lumen Oncology', type: 'BIOTECH', country: 'US', areas: ['Oncology'], efpia: false },
  { name: 'Meridian Life Sciences', type: 'PHARMA', country: 'DE', areas: ['Cardiometabolic', 'Nephrology'], efpia: true },
  { name: 'Solvane Pharmaceuticals', type: 'PHARMA', country: 'FR', areas: ['Neurology', 'Mental health'], efpia: true },
  { name: 'Brightwater Medical', type: 'MEDTECH', country: 'IE', areas: ['Cardiometabolic'], efpia: false },
  { name: 'Calder Diagnostics', type: 'MEDTECH', country: 'GB', areas: ['Oncology'], efpia: false },
  { name: 'Vireo Clinical Research', type: 'CRO', country: 'NL', areas: ['Oncology', 'Neurology', 'Rare diseases'], efpia: false },
  { name: 'Tessellate Bio', type: 'BIOTECH', country: 'DK', areas: ['Cardiometabolic'], efpia: false },
  { name: 'Orrin Pharma', type: 'PHARMA', country: 'IT', areas: ['Infectious diseases', 'Immunology'], efpia: true },
  { name: 'Nordlys Therapeutics', type: 'BIOTECH', country: 'SE', areas: ['Neurology'], efpia: false },
  { name: 'Quillon Health', type: 'PHARMA', country: 'BE', areas: ['Respiratory', 'Immunology'], efpia: true },
  { name: 'Arcadia Gene Therapies', type: 'BIOTECH', country: 'US', areas: ['Rare diseases', 'Ophthalmology'], efpia: false },
  { name: 'Pellucid Devices', type: 'MEDTECH', country: 'CH', areas: ['Ophthalmology'], efpia: false },
  { name: 'Stratum Clinical', type: 'CRO', country: 'ES', areas: ['Cardiometabolic', 'Respiratory'], efpia: false },
  { name: 'Halden Biopharma', type: 'PHARMA', country: 'NO', areas: ['Oncology', 'Haematology'], efpia: true },
  { name: 'Corvina Therapeutics', type: 'BIOTECH', country: 'IT', areas: ['Haematology', 'Rare diseases'], efpia: false },
  { name: 'Embera Medical', type: 'MEDTECH', country: 'DE', areas: ['Neurology', 'Cardiometabolic'], efpia: false },
  { name: 'Saltire Biotech', type: 'BIOTECH', country: 'GB', areas: ['Immunology'], efpia: false },
  { name: 'Oakhurst Pharmaceuticals', type: 'PHARMA', country: 'US', areas: ['Mental health', 'Neurology'], efpia: false },
  { name: 'Valtara Pharma', type: 'PHARMA', country: 'ES', areas: ['Infectious diseases', 'Respiratory'], efpia: true },
  { name: 'Ilex Clinical Services', type: 'CRO', country: 'DE', areas: ['Oncology', 'Immunology'], efpia: false },
  { name: 'Marisol Biologics', type: 'BIOTECH', country: 'PT', areas: ['Nephrology', 'Rare diseases'], efpia: false },
];

/** Parts for the extra companies of scale > 1. */
export const COMPANY_PREFIXES = [
  'Aster', 'Borealis', 'Cobalt', 'Delphin', 'Elara', 'Fenwick', 'Galen', 'Hollis', 'Iona', 'Juno', 'Kairos', 'Larch',
  'Mistral', 'Nerida', 'Obsidian', 'Pallas', 'Quarry', 'Rowan', 'Sorrel', 'Tamsin', 'Umbra', 'Vesper', 'Wexford', 'Yarrow',
  'Zephyr', 'Alder', 'Brenna', 'Cinder', 'Dunmore', 'Eskan',
];
export const COMPANY_SUFFIXES: readonly (readonly [string, CompanyEntry['type']])[] = [
  ['Therapeutics', 'BIOTECH'], ['Pharma', 'PHARMA'], ['Biologics', 'BIOTECH'], ['Pharmaceuticals', 'PHARMA'],
  ['Bio', 'BIOTECH'], ['Medical', 'MEDTECH'], ['Diagnostics', 'MEDTECH'], ['Clinical Research', 'CRO'],
  ['Life Sciences', 'PHARMA'], ['Genomics', 'BIOTECH'],
];

export interface PatientOrgEntry {
  name: string;
  country: string;
  diseaseAreas: string[];
  /** Index of the umbrella federation in this list; null for a federation itself. */
  umbrella: number | null;
}

/** Index 0 is the demo's well-known organisation; the federations follow the national groups. */
export const PATIENT_ORGANISATIONS: readonly PatientOrgEntry[] = [
  { name: 'Cystic Fibrosis Patient Network Germany', country: 'DE', diseaseAreas: ['cystic fibrosis'], umbrella: 25 },
  { name: 'Breast Cancer Voices UK', country: 'GB', diseaseAreas: ['breast cancer'], umbrella: 26 },
  { name: 'Association Myélome Solidarité', country: 'FR', diseaseAreas: ['multiple myeloma'], umbrella: 26 },
  { name: 'Lung Cancer Patients Ireland', country: 'IE', diseaseAreas: ['non-small cell lung cancer'], umbrella: 26 },
  { name: 'MS Samen Nederland', country: 'NL', diseaseAreas: ['multiple sclerosis'], umbrella: 27 },
  { name: 'Asociación Parkinson Juntos', country: 'ES', diseaseAreas: ["Parkinson's disease"], umbrella: 27 },
  { name: 'Epilepsy Circle Denmark', country: 'DK', diseaseAreas: ['epilepsy'], umbrella: 27 },
  { name: 'Migraine Voices Italia', country: 'IT', diseaseAreas: ['migraine'], umbrella: 27 },
  { name: 'Duchenne Families Belgium', country: 'BE', diseaseAreas: ['Duchenne muscular dystrophy'], umbrella: 25 },
  { name: 'SMA Families Sweden', country: 'SE', diseaseAreas: ['spinal muscular atrophy'], umbrella: 25 },
  { name: "Haemophilia Patients' Society Austria", country: 'AT', diseaseAreas: ['haemophilia A', 'haemophilia B'], umbrella: 25 },
  { name: 'Sickle Cell Community UK', country: 'GB', diseaseAreas: ['sickle cell disease', 'beta thalassaemia'], umbrella: 25 },
  { name: 'Rheumatoid Arthritis Patients Poland', country: 'PL', diseaseAreas: ['rheumatoid arthritis'], umbrella: 28 },
  { name: "Crohn's & Colitis Patients Portugal", country: 'PT', diseaseAreas: ["Crohn's disease", 'ulcerative colitis'], umbrella: 28 },
  { name: 'Skin Health Patients Finland', country: 'FI', diseaseAreas: ['psoriasis', 'atopic dermatitis'], umbrella: 28 },
  { name: 'Breathe Easy Netherlands', country: 'NL', diseaseAreas: ['severe asthma', 'COPD', 'idiopathic pulmonary fibrosis'], umbrella: 28 },
  { name: 'Type 1 Youth Network Germany', country: 'DE', diseaseAreas: ['type 1 diabetes'], umbrella: 28 },
  { name: 'Heart Failure Patients France', country: 'FR', diseaseAreas: ['heart failure'], umbrella: 28 },
  { name: 'Kidney Patients Alliance Spain', country: 'ES', diseaseAreas: ['chronic kidney disease', 'IgA nephropathy', 'polycystic kidney disease'], umbrella: 28 },
  { name: 'Lupus Voices Greece', country: 'GR', diseaseAreas: ['systemic lupus erythematosus'], umbrella: 28 },
  { name: 'Alzheimer Carers and Patients Switzerland', country: 'CH', diseaseAreas: ["Alzheimer's disease"], umbrella: 27 },
  { name: 'Mind Matters Patient Network Ireland', country: 'IE', diseaseAreas: ['major depressive disorder', 'bipolar disorder'], umbrella: 29 },
  { name: 'Schizophrenia Voices Czechia', country: 'CZ', diseaseAreas: ['schizophrenia'], umbrella: 29 },
  { name: 'Sight Forward Norway', country: 'NO', diseaseAreas: ['retinitis pigmentosa', 'age-related macular degeneration'], umbrella: 25 },
  { name: 'Positive Life Network Italy', country: 'IT', diseaseAreas: ['HIV', 'hepatitis B'], umbrella: 28 },
  { name: 'European Federation of Rare Disease Patients', country: 'BE', diseaseAreas: ['cystic fibrosis', 'Duchenne muscular dystrophy', 'spinal muscular atrophy', 'haemophilia A', 'sickle cell disease', 'Fabry disease', 'retinitis pigmentosa'], umbrella: null },
  { name: 'European Cancer Patient Union', country: 'BE', diseaseAreas: ['breast cancer', 'non-small cell lung cancer', 'multiple myeloma', 'prostate cancer', 'melanoma'], umbrella: null },
  { name: 'European Network of Neurological Patient Groups', country: 'BE', diseaseAreas: ['multiple sclerosis', "Parkinson's disease", 'epilepsy', 'migraine', "Alzheimer's disease"], umbrella: null },
  { name: "European Chronic Conditions Patients' Forum", country: 'LU', diseaseAreas: ['rheumatoid arthritis', "Crohn's disease", 'severe asthma', 'type 1 diabetes', 'heart failure', 'chronic kidney disease', 'HIV'], umbrella: null },
  { name: 'Mental Health Patient Voices Europe', country: 'NL', diseaseAreas: ['major depressive disorder', 'bipolar disorder', 'schizophrenia'], umbrella: null },
];

/** Name patterns for the extra patient organisations of scale > 1 ({c}: condition, {k}: country name). */
export const PATIENT_ORG_PATTERNS = [
  '{C} Patients {k}',
  '{C} Voices {k}',
  '{C} Community {k}',
  '{C} Alliance {k}',
  '{C} Support Network {k}',
  '{k} {C} Association',
  'Living with {c} – {k}',
];

export interface ResearchOrgEntry {
  name: string;
  country: string;
  kind: 'ACADEMIC' | 'HOSPITAL' | 'NETWORK' | 'NGO';
}

export const RESEARCH_ORGANISATIONS: readonly ResearchOrgEntry[] = [
  { name: 'University of Eastmoor – Centre for Patient-Centred Outcomes', country: 'GB', kind: 'ACADEMIC' },
  { name: 'Karlsborg University Institute for Health Economics', country: 'SE', kind: 'ACADEMIC' },
  { name: 'Université de Valmont – Clinical Epidemiology Unit', country: 'FR', kind: 'ACADEMIC' },
  { name: 'Lindenberg Medical University', country: 'DE', kind: 'ACADEMIC' },
  { name: 'St Aldric University Hospital', country: 'DE', kind: 'HOSPITAL' },
  { name: 'Hospital Universitario Santa Brígida', country: 'ES', kind: 'HOSPITAL' },
  { name: 'Rijnhaven Medical Centre', country: 'NL', kind: 'HOSPITAL' },
  { name: 'Ospedale San Lorenzo di Verano', country: 'IT', kind: 'HOSPITAL' },
  { name: 'European Paediatric Trials Network', country: 'BE', kind: 'NETWORK' },
  { name: 'Nordic Rare Disease Research Network', country: 'DK', kind: 'NETWORK' },
  { name: 'Alpine Oncology Trials Group', country: 'CH', kind: 'NETWORK' },
  { name: 'Transatlantic Patient Registry Consortium', country: 'US', kind: 'NETWORK' },
  { name: 'Foundation for Patient Evidence', country: 'NL', kind: 'NGO' },
  { name: 'Health Literacy Europe Foundation', country: 'BE', kind: 'NGO' },
  { name: 'Open Trials Transparency Institute', country: 'GB', kind: 'NGO' },
];

export const RESEARCH_ORG_PATTERNS: readonly (readonly [string, ResearchOrgEntry['kind']])[] = [
  ['University of {t} – Patient Research Centre', 'ACADEMIC'],
  ['{t} Institute of Health Sciences', 'ACADEMIC'],
  ['{t} University Hospital', 'HOSPITAL'],
  ['{t} General Hospital Research Unit', 'HOSPITAL'],
  ['{t} Clinical Trials Network', 'NETWORK'],
  ['{t} Foundation for Patient Research', 'NGO'],
];
export const TOWNS = [
  'Ashcombe', 'Brisa', 'Caldera', 'Dornbach', 'Elmsworth', 'Falkirn', 'Grevena', 'Hollum', 'Isenhag', 'Joslin', 'Kelmarsh',
  'Lorient-sur-Mer', 'Marvale', 'Nesby', 'Oldmoor', 'Pradella', 'Quennell', 'Rosmalen', 'Sandholt', 'Tavira', 'Ulverby',
  'Valdoro', 'Westerhaven', 'Ystad-Norr', 'Zellhof',
];

export const COUNTRY_NAMES: Record<string, string> = {
  AT: 'Austria', BE: 'Belgium', CA: 'Canada', CH: 'Switzerland', CZ: 'Czechia', DE: 'Germany', DK: 'Denmark', ES: 'Spain',
  FI: 'Finland', FR: 'France', GB: 'UK', GR: 'Greece', IE: 'Ireland', IT: 'Italy', LU: 'Luxembourg', NL: 'Netherlands',
  NO: 'Norway', PL: 'Poland', PT: 'Portugal', SE: 'Sweden', US: 'USA',
};

export interface PeopleOfCountry {
  country: string;
  weight: number;
  languages: string[];
  dialCode: string;
  first: string[];
  last: string[];
}

export const PEOPLE: readonly PeopleOfCountry[] = [
  { country: 'DE', weight: 14, languages: ['de'], dialCode: '49', first: ['Lena', 'Jonas', 'Miriam', 'Tobias', 'Katrin', 'Felix', 'Anke', 'Lukas', 'Greta', 'Matthias'], last: ['Vogel', 'Brandt', 'Kessler', 'Hartmann', 'Roth', 'Lindner', 'Seidel', 'Franke', 'Albers', 'Winter'] },
  { country: 'GB', weight: 12, languages: ['en'], dialCode: '44', first: ['Olivia', 'Harry', 'Priya', 'Callum', 'Sophie', 'Owen', 'Niamh', 'Marcus', 'Eleanor', 'Rhys'], last: ['Hughes', 'Patel', 'Fletcher', 'Morgan', 'Kaur', 'Bennett', 'Doyle', 'Ashworth', 'Carter', 'Lloyd'] },
  { country: 'FR', weight: 11, languages: ['fr'], dialCode: '33', first: ['Camille', 'Julien', 'Élodie', 'Mathieu', 'Chloé', 'Antoine', 'Inès', 'Yanis', 'Margaux', 'Hugo'], last: ['Moreau', 'Lefèvre', 'Girard', 'Bonnet', 'Faure', 'Rousseau', 'Blanc', 'Guerin', 'Mercier', 'Dupuis'] },
  { country: 'ES', weight: 8, languages: ['es'], dialCode: '34', first: ['Lucía', 'Javier', 'Carmen', 'Pablo', 'Marta', 'Álvaro', 'Nerea', 'Diego', 'Irene', 'Sergio'], last: ['García', 'Navarro', 'Ortega', 'Castillo', 'Romero', 'Iglesias', 'Vidal', 'Serrano', 'Molina', 'Pastor'] },
  { country: 'IT', weight: 8, languages: ['it'], dialCode: '39', first: ['Giulia', 'Marco', 'Chiara', 'Luca', 'Francesca', 'Matteo', 'Elena', 'Davide', 'Sara', 'Paolo'], last: ['Rossi', 'Bianchi', 'Colombo', 'Ferri', 'Galli', 'Moretti', 'Conti', 'Marino', 'Greco', 'Fontana'] },
  { country: 'NL', weight: 7, languages: ['nl'], dialCode: '31', first: ['Sanne', 'Daan', 'Femke', 'Bram', 'Lotte', 'Thijs', 'Anouk', 'Ruben', 'Iris', 'Joost'], last: ['de Vries', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'Bos', 'Vos', 'Dekker'] },
  { country: 'BE', weight: 4, languages: ['nl', 'fr'], dialCode: '32', first: ['Louise', 'Arthur', 'Marie', 'Lars', 'Elise', 'Wout', 'Amélie', 'Jules', 'Fien', 'Victor'], last: ['Peeters', 'Janssens', 'Maes', 'Dubois', 'Lambert', 'Claes', 'Wouters', 'Renard', 'Goossens', 'Dumont'] },
  { country: 'IE', weight: 4, languages: ['en'], dialCode: '353', first: ['Aoife', 'Cian', 'Siobhán', 'Darragh', 'Róisín', 'Eoin', 'Clodagh', 'Oisín', 'Ciara', 'Seán'], last: ['Murphy', 'Kelly', "O'Brien", 'Byrne', 'Ryan', 'Walsh', 'Gallagher', 'Kavanagh', 'Nolan', 'Quinn'] },
  { country: 'DK', weight: 3, languages: ['da'], dialCode: '45', first: ['Freja', 'Mads', 'Ida', 'Rasmus', 'Signe', 'Emil', 'Maja', 'Anders', 'Nanna', 'Jesper'], last: ['Nielsen', 'Jensen', 'Holm', 'Lund', 'Dahl', 'Krogh', 'Skov', 'Bech', 'Lauridsen', 'Thygesen'] },
  { country: 'SE', weight: 3, languages: ['sv'], dialCode: '46', first: ['Ebba', 'Oskar', 'Linnea', 'Axel', 'Alva', 'Viktor', 'Saga', 'Gustav', 'Tove', 'Hampus'], last: ['Lindqvist', 'Berg', 'Sjöberg', 'Ekström', 'Nyström', 'Holmgren', 'Blom', 'Forsberg', 'Wallin', 'Åberg'] },
  { country: 'PL', weight: 4, languages: ['pl'], dialCode: '48', first: ['Zuzanna', 'Jakub', 'Agnieszka', 'Piotr', 'Magda', 'Tomasz', 'Julia', 'Kacper', 'Ewa', 'Marek'], last: ['Nowak', 'Kowalczyk', 'Wiśniewska', 'Zieliński', 'Lewandowska', 'Kamiński', 'Dąbrowska', 'Szymański', 'Wójcik', 'Król'] },
  { country: 'PT', weight: 2, languages: ['pt'], dialCode: '351', first: ['Beatriz', 'Tiago', 'Inês', 'Rui', 'Mariana', 'Duarte', 'Leonor', 'Gonçalo', 'Rita', 'Afonso'], last: ['Silva', 'Ferreira', 'Costa', 'Sousa', 'Pereira', 'Almeida', 'Carvalho', 'Ribeiro', 'Lopes', 'Teixeira'] },
  { country: 'AT', weight: 2, languages: ['de'], dialCode: '43', first: ['Hannah', 'Florian', 'Verena', 'Stefan', 'Theresa', 'Klemens', 'Magdalena', 'Georg', 'Katharina', 'Bernhard'], last: ['Gruber', 'Huber', 'Pichler', 'Steiner', 'Moser', 'Hofer', 'Leitner', 'Egger', 'Aigner', 'Brunner'] },
  { country: 'CH', weight: 2, languages: ['de', 'fr'], dialCode: '41', first: ['Nina', 'Reto', 'Corinne', 'Urs', 'Mirjam', 'Beat', 'Séverine', 'Dario', 'Seraina', 'Nicolas'], last: ['Meier', 'Keller', 'Baumann', 'Favre', 'Zürcher', 'Gerber', 'Rochat', 'Lüthi', 'Bachmann', 'Cattaneo'] },
  { country: 'FI', weight: 2, languages: ['fi', 'sv'], dialCode: '358', first: ['Aino', 'Eero', 'Venla', 'Juho', 'Siiri', 'Lauri', 'Helmi', 'Aleksi', 'Kaisa', 'Ville'], last: ['Korhonen', 'Virtanen', 'Mäkinen', 'Nieminen', 'Laine', 'Heikkinen', 'Koskinen', 'Järvinen', 'Lehtonen', 'Saarinen'] },
  { country: 'GR', weight: 2, languages: ['el'], dialCode: '30', first: ['Eleni', 'Nikos', 'Maria', 'Giorgos', 'Katerina', 'Dimitris', 'Sofia', 'Kostas', 'Ioanna', 'Yannis'], last: ['Papadopoulou', 'Georgiou', 'Nikolaou', 'Karagiannis', 'Vlachou', 'Oikonomou', 'Pappas', 'Dimitriou', 'Antoniou', 'Makris'] },
  { country: 'CZ', weight: 2, languages: ['cs'], dialCode: '420', first: ['Tereza', 'Jan', 'Lucie', 'Ondřej', 'Klára', 'Petr', 'Adéla', 'Vojtěch', 'Barbora', 'Martin'], last: ['Novák', 'Svobodová', 'Dvořák', 'Černá', 'Procházka', 'Kučerová', 'Veselý', 'Horáková', 'Marek', 'Pokorná'] },
  { country: 'NO', weight: 2, languages: ['no'], dialCode: '47', first: ['Ingrid', 'Sindre', 'Marte', 'Eirik', 'Solveig', 'Håkon', 'Tuva', 'Magnus', 'Silje', 'Torbjørn'], last: ['Hansen', 'Johansen', 'Olsen', 'Larsen', 'Haugen', 'Bakken', 'Solberg', 'Strand', 'Lie', 'Moen'] },
  { country: 'US', weight: 6, languages: ['en'], dialCode: '1', first: ['Emily', 'Jordan', 'Maya', 'Tyler', 'Ashley', 'Devon', 'Grace', 'Andre', 'Hannah', 'Caleb'], last: ['Johnson', 'Rivera', 'Brooks', 'Nguyen', 'Coleman', 'Foster', 'Ramirez', 'Sullivan', 'Hayes', 'Washington'] },
  { country: 'CA', weight: 2, languages: ['en', 'fr'], dialCode: '1', first: ['Chloe', 'Liam', 'Avery', 'Ethan', 'Gabrielle', 'Noah', 'Maëlle', 'Logan', 'Isla', 'Mathis'], last: ['Tremblay', 'Gagnon', 'Roy', 'MacDonald', 'Côté', 'Campbell', 'Bouchard', 'Fraser', 'Gauthier', 'Leblanc'] },
];

export const PSEUDONYM_ADJECTIVES = [
  'Amber', 'Azure', 'Bright', 'Calm', 'Cedar', 'Clear', 'Coral', 'Crimson', 'Dusky', 'Ember', 'Fern', 'Frost', 'Gentle',
  'Golden', 'Hazel', 'Ivory', 'Jade', 'Juniper', 'Linen', 'Lunar', 'Maple', 'Misty', 'Nimble', 'Ochre', 'Olive', 'Pebble',
  'Quiet', 'Rapid', 'Russet', 'Sable', 'Sage', 'Silver', 'Slate', 'Solar', 'Steady', 'Swift', 'Tawny', 'Umber', 'Velvet',
  'Willow',
];
export const PSEUDONYM_ANIMALS = [
  'Heron', 'Otter', 'Lynx', 'Falcon', 'Badger', 'Wren', 'Marten', 'Ibex', 'Kestrel', 'Puffin', 'Hare', 'Robin', 'Seal',
  'Crane', 'Finch', 'Fox', 'Gannet', 'Hedgehog', 'Jay', 'Kite', 'Lark', 'Magpie', 'Newt', 'Osprey', 'Owl', 'Pike',
  'Plover', 'Raven', 'Salmon', 'Shrew', 'Sparrow', 'Stoat', 'Swan', 'Tern', 'Thrush', 'Vole', 'Wolf', 'Beaver', 'Dolphin',
  'Elk',
];

export const EXPERTISE = [
  'EUPATI Fellow',
  'EUPATI Patient Expert',
  'HTA patient input',
  'Trial protocol review',
  'Informed consent review',
  'Lay summaries',
  'Patient-reported outcomes',
  'Health literacy',
  'Peer support',
  'Research ethics committee member',
  'Health data privacy',
  'Public speaking',
];

/** Topics an engagement is about; they make summaries, commitments and contracts read alike. */
export const TOPICS = [
  'patient-reported outcome measures',
  'informed consent readability',
  'visit schedule burden',
  'lay summary of trial results',
  'patient input to the HTA submission',
  'recruitment and retention plan',
  'decentralised trial elements',
  'endpoint selection',
  'quality-of-life questionnaire',
  'early access programme',
  'post-launch registry',
  'travel and expense policy for patient partners',
  'fair compensation of patient experts',
  'paediatric investigation plan',
  'real-world evidence protocol',
  'patient preference study',
  'diversity in trial enrolment',
  'home nursing and remote monitoring',
];

export const TERMINATION_REASONS = [
  'Programme discontinued after interim analysis',
  'Terminated by mutual agreement',
  'Sponsor reprioritised its pipeline',
  'Patient organisation withdrew over independence concerns',
  'Replaced by a multi-party collaboration agreement',
];

export const NOTE_SENTENCES = [
  'Patient partners asked for the burden of each visit to be listed in plain language.',
  'Participants agreed to circulate the revised draft two weeks before the next meeting.',
  'Concerns were raised about travel for participants with reduced mobility.',
  'The sponsor confirmed that honoraria follow the fair-market-value grid.',
  'A patient partner shared their experience with the current standard of care.',
  'Next steps: align the questionnaire with the regulator’s feedback.',
  'The group asked for an accessible version of the slides.',
  'Translation into three further languages was requested.',
  'The timeline slipped by one month because of ethics committee questions.',
  'Everyone agreed that a lay summary must accompany the final report.',
  'Two patients volunteered to review the consent form.',
  'Open question: how to reimburse carers who accompany participants.',
  'The HTA body representative explained how patient input is weighed.',
  'Data protection questions were referred to the DPO.',
];
