export const name = '0024_summons_state_area';

/**
 * A summons belongs to the area its person lives in now: when a person's region or district changes (an import,
 * an edit), their rows in the summons read model follow in the same statement, so the new office sees them in its
 * funnel, failures and referrals and the old one no longer does. rebuild-state derives the area the same way.
 */
export const sql = `
CREATE FUNCTION summons_state_follow_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE summons_state SET region = NEW.region, district = NEW.district WHERE iin = NEW.iin;
  RETURN NULL;
END $$;
CREATE INDEX summons_state_by_iin ON summons_state (iin);
CREATE TRIGGER persons_area_to_summons_state AFTER UPDATE OF region, district ON persons
  FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region OR OLD.district IS DISTINCT FROM NEW.district)
  EXECUTE FUNCTION summons_state_follow_person();
`;
