import { makeIin, type PersonRecord } from '../../src/modules/registry/index.ts';

const DAY = 86_400_000;
const EPOCH = Date.UTC(1965, 0, 1);

/**
 * Person number n (distinct n give distinct IINs up to 20,000 × 9,000); fields can be overridden. The IIN matches
 * birth date and sex unless overridden.
 */
export function person(n: number, over: Partial<PersonRecord> = {}): PersonRecord {
  const sex = over.sex ?? (n % 2 ? 'M' : 'F');
  const birth = over.birth_date ?? new Date(EPOCH + (n % 20_000) * DAY).toISOString().slice(0, 10);
  let iin = over.iin;
  for (let serial = Math.floor(n / 20_000) * 10; !iin; serial++) iin = makeIin(birth, sex, serial) ?? undefined;
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
