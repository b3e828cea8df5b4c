export const name = '0002_eligibility';

/**
 * Eligibility counts run inside the database (the SQL compiler turns every age test into a birth-date range).
 * The reserve-officer call-up selects from a small part of the registry (reserve officers are a few per cent of
 * persons), so a partial index holding just those rows, with the columns its rule and its usual count-by fields
 * read, lets a count by region × specialty run as an index-only scan instead of reading the whole table. Being
 * partial it costs bulk imports little: rows of other categories never touch it.
 */
export const sql = `
CREATE INDEX persons_reserve_officers ON persons (birth_date)
  INCLUDE (region, specialty, fitness, served, mil_registered)
  WHERE mil_category = 'reserve_officer';
`;
