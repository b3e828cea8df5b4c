import { makeIin, type PersonRecord } from '../../src/modules/registry/index.ts';

/** A valid person; fields can be overridden. IIN matches birth date and sex unless overridden. */
export function person(n: number, over: Partial<PersonRecord> = {}): PersonRecord {
  const sex = over.sex ?? (n % 2 ? 'M' : 'F');
  const birth = over.birth_date ?? `19${70 + (n % 30)}-0${1 + (n % 9)}-1${n % 10}`;
  let iin = over.iin;
  for (let serial = n; !iin; serial++) iin = makeIin(birth, sex, serial) ?? undefined;
  return {
    iin,
    last_name: sex === 'M' ? 'Ахметов' : 'Ахметова',
    first_name: sex === 'M' ? 'Ерлан' : 'Айгерим',
    patronymic: null,
    birth_date: birth,
    sex,
    region: 'KZ-71',
    district: 'KZ-71-D01',
    address: 'Abay avenue 1, "Block" B',
    mobile: '+77011234567',
    mobile_on_egov: true,
    egov_account: true,
    mil_registered: sex === 'M',
    mil_exemption: sex === 'M' ? null : 'female_no_specialty',
    mil_category: sex === 'M' ? 'reserve_officer' : null,
    rank: sex === 'M' ? 'lieutenant' : null,
    specialty: sex === 'M' ? 'medical' : null,
    fitness: 'A',
    served: false,
    occupation: 'nurse',
    sector: 'health',
    employer_bin: null,
    employment: 'employed',
    volunteer: false,
    children_birth_dates: [],
    serving_sentence: false,
    resides_abroad: false,
    ...over,
    ...(over.iin ? {} : { iin }),
  } as PersonRecord;
}
