export const name = '0015_summons_by_person';

/** A person's summonses are looked up by IIN on every citizen lookup and person card; without this, a scan. */
export const sql = `
CREATE INDEX summonses_by_iin ON summonses (iin, appearance_at DESC, id DESC);
`;
