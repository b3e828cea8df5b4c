export const name = '0017_td_protection_end';

/**
 * A unit's guard at an object can be stood down: the row stays (guard tasks point at it) with who ended it, when and
 * why, and only a guard still standing keeps the unit from being put on guard at the same object again.
 */
export const sql = `
ALTER TABLE td_protection ADD COLUMN ended_at timestamptz, ADD COLUMN ended_by text, ADD COLUMN end_reason text;
ALTER TABLE td_protection ADD CONSTRAINT td_protection_end CHECK ((ended_at IS NULL) = (ended_by IS NULL) AND (ended_at IS NULL) = (end_reason IS NULL));
ALTER TABLE td_protection DROP CONSTRAINT td_protection_unit_id_object_id_key;
CREATE UNIQUE INDEX td_protection_standing ON td_protection (unit_id, object_id) WHERE ended_at IS NULL;
`;
