-- Audit trail of one login (issue 4): every event of one sign-in carries the same login id, and the audit_event
-- rows form a hash chain so that an edited, deleted or inserted row is found by the verify command.

-- The login id: created when /authorize accepts a request, kept with the code, the grant and the sign-on session
-- (the login that last entered the password; a single sign-on login links to it).
ALTER TABLE authorization_code  ADD COLUMN login_id text;
ALTER TABLE authorization_grant ADD COLUMN login_id text;
ALTER TABLE sso_session         ADD COLUMN login_id text;

ALTER TABLE audit_event
    ADD COLUMN login_id  text,
    ADD COLUMN prev_hash text,                        -- row_hash of the row before (64 zeros for the first row)
    ADD COLUMN row_hash  text;                        -- hex SHA-256(prev_hash || canonical form of this row)
CREATE INDEX audit_event_login_id ON audit_event (login_id, id);
CREATE INDEX audit_event_user_id ON audit_event (user_id, occurred_at);
CREATE INDEX audit_event_client_id ON audit_event (client_id, occurred_at);

-- The end of the chain: one row, locked by every insert (SELECT ... FOR UPDATE) so that concurrent inserts form one
-- chain, and compared with the last row by the verify command (a deleted last row is found that way).
CREATE TABLE audit_chain_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_id   bigint,
    last_hash text    NOT NULL
);

-- The canonical hash of one row, the same as dev.echoid.identity.store.AuditChain (AuditTrailIT checks they agree):
-- hex SHA-256 over the UTF-8 bytes of prev_hash, then each field in this order, each written as 0x00 when null,
-- else as 0x01, its length in bytes (4 bytes, big-endian) and its UTF-8 bytes:
--   id (decimal), occurred_at (microseconds since 1970-01-01T00:00Z, decimal), event_type, outcome, client_id,
--   user_id (lower-case UUID), username, remote_address, detail, login_id.
-- The length prefix keeps one field's text from passing for another's. Kept as functions for the backfill below
-- and for that test; the application computes the hash itself.
CREATE FUNCTION audit_event_field(value text) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN value IS NULL THEN '\x00'::bytea
                ELSE '\x01'::bytea || int4send(octet_length(convert_to(value, 'UTF8'))) || convert_to(value, 'UTF8')
           END
$$;

CREATE FUNCTION audit_event_hash(prev text, id bigint, occurred_at timestamptz, event_type text, outcome text,
        client_id text, user_id uuid, username text, remote_address text, detail text, login_id text)
    RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(
        convert_to(prev, 'UTF8')
        || audit_event_field(id::text)
        || audit_event_field((extract(epoch FROM date_trunc('second', occurred_at))::bigint * 1000000
                              + extract(microseconds FROM occurred_at)::bigint % 1000000)::text)
        || audit_event_field(event_type)
        || audit_event_field(outcome)
        || audit_event_field(client_id)
        || audit_event_field(user_id::text)
        || audit_event_field(username)
        || audit_event_field(remote_address)
        || audit_event_field(detail)
        || audit_event_field(login_id)), 'hex')
$$;

-- Rows written before this migration join the chain here, in id order (they have no login id). Whatever was done
-- to them before today cannot be detected; from here on, any change is.
DO $$
DECLARE
    r    audit_event%ROWTYPE;
    prev text := repeat('0', 64);
    last bigint;
BEGIN
    FOR r IN SELECT * FROM audit_event ORDER BY id LOOP
        UPDATE audit_event SET prev_hash = prev,
               row_hash = audit_event_hash(prev, r.id, r.occurred_at, r.event_type, r.outcome, r.client_id,
                   r.user_id, r.username, r.remote_address, r.detail, r.login_id)
         WHERE id = r.id
        RETURNING row_hash INTO prev;
        last := r.id;
    END LOOP;
    INSERT INTO audit_chain_head (last_id, last_hash) VALUES (last, prev);
END
$$;

ALTER TABLE audit_event ALTER COLUMN prev_hash SET NOT NULL;
ALTER TABLE audit_event ALTER COLUMN row_hash SET NOT NULL;

-- Append-only. The verify command still finds what someone does with this trigger disabled.
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
