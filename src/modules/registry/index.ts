export { assertValidBin, assertValidIin, checkDigit, idProblem, iinFacts, iinMismatches, makeBin, makeIin } from './iin.ts';
export { PERSON_COLUMNS, PERSON_FIELDS, parsePerson, type PersonRecord, type ValidationContext, type FieldIssue } from './person.ts';
export { loadReferenceData, regions, specialties, type Region, type Specialty } from './reference.ts';
export { importPersons, detectFormat, type ImportOptions, type ImportSummary, type ImportProgress } from './import.ts';
export { exportPersons } from './export.ts';
export { CSV_HEADER, exportCsvLine, copyCsvLine } from './csv.ts';
export { upsertPersons } from './merge.ts';
export { findPerson, personHistory } from './lookup.ts';
export * from './vocab.ts';
