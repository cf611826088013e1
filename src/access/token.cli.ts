import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { ConsentPurpose } from '../modules/consent/consent.entity';
import { mintDevToken } from './token';
import { Role } from './viewer';

const USAGE = `Prints a development bearer token (HS256, signed with JWT_SECRET or the built-in development secret).

  npm run --silent token -- --role ROLE [--org ID] [--patient ID] [--purpose PURPOSE] [--sub USER] [--expires 12h]

  ROLE     ${Object.values(Role).join(' | ')}
  --org    stakeholder id (global ID or uuid) of the user's organisation (needed by ENGAGEMENT_MANAGER and PARTNER)
  --patient stakeholder id of the patient (needed by PATIENT)
  PURPOSE  ${Object.values(ConsentPurpose).join(' | ')}`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      org: { type: 'string' },
      patient: { type: 'string' },
      purpose: { type: 'string' },
      sub: { type: 'string' },
      expires: { type: 'string', default: '12h' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const role = values.role?.toUpperCase();
  if (!role || !(role in Role)) throw new Error(`--role must be one of ${Object.values(Role).join(', ')}\n\n${USAGE}`);
  if ((role === Role.ENGAGEMENT_MANAGER || role === Role.PARTNER) && !values.org) throw new Error(`a ${role} token needs --org`);
  if (role === Role.PATIENT && !values.patient) throw new Error('a PATIENT token needs --patient');
  const purpose = values.purpose?.toUpperCase();
  if (purpose && !(purpose in ConsentPurpose)) throw new Error(`--purpose must be one of ${Object.values(ConsentPurpose).join(', ')}`);
  const token = await mintDevToken(
    { role: role as Role, org: values.org, patient: values.patient, purpose: purpose as ConsentPurpose | undefined, sub: values.sub },
    loadConfig(),
    values.expires,
  );
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
