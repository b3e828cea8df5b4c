export const name = '0021_person_name_search';

/**
 * Name-prefix search by index. Names are matched case-insensitively in Kazakh and Russian Cyrillic whatever the
 * database's locale (lower() knows only ASCII under the C locale): the key is lower() then translate() over the
 * Cyrillic capitals, both immutable, and compared under the C collation so that one btree serves both LIKE 'prefix%'
 * and the ORDER BY of a page. The same expression is in src/modules/registry/search.ts (nameKey).
 */
const key = (col: string) =>
  `(translate(lower(${col}), 'АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ', 'аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя') COLLATE "C")`;

export const sql = `
CREATE INDEX persons_by_name_key ON persons (${key('last_name')}, ${key('first_name')}, iin);
`;
