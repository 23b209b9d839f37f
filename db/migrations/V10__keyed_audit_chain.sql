-- The audit chain keyed (issue 9, item 6): a row's hash becomes HMAC-SHA-256 under IDENTITY_AUDIT_KEY, a key from
-- the environment that is never in the database, so whoever can only write the database cannot re-chain rows they
-- edited, deleted or inserted. See dev.echoid.identity.store.AuditChain for the exact construction.

-- How row_hash was computed: 1 = V4's unkeyed SHA-256 (audit_event_hash; written without the key, dev mode only),
-- 2 = HMAC-SHA-256 under IDENTITY_AUDIT_KEY. Rows written before this migration are version 1; the provider
-- re-chains them with the key when it first starts with one, after checking the unkeyed chain is intact (the key is
-- not here, so SQL cannot do it).
ALTER TABLE audit_event ADD COLUMN chain_version smallint NOT NULL DEFAULT 1 CHECK (chain_version IN (1, 2));
ALTER TABLE audit_event ALTER COLUMN chain_version DROP DEFAULT;

-- The head of a keyed chain carries an HMAC of (last_id, last_hash) under the same key, so the last rows cannot be
-- deleted by moving the head back to an earlier row.
ALTER TABLE audit_chain_head
    ADD COLUMN chain_version smallint NOT NULL DEFAULT 1 CHECK (chain_version IN (1, 2)),
    ADD COLUMN head_mac      text;

-- Still append-only, with one exception: the provider's one-time re-chaining of an unkeyed row with the key, which
-- changes only prev_hash, row_hash and chain_version (1 to 2), never what the row says.
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.chain_version = 1 AND NEW.chain_version = 2
           AND (NEW.id, NEW.occurred_at, NEW.event_type, NEW.outcome, NEW.client_id, NEW.user_id, NEW.username,
                NEW.remote_address, NEW.detail, NEW.login_id)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.occurred_at, OLD.event_type, OLD.outcome, OLD.client_id, OLD.user_id, OLD.username,
                OLD.remote_address, OLD.detail, OLD.login_id) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP;
END
$$;
