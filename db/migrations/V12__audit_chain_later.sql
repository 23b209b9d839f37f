-- Audit rows inserted now, chained later (issue 10, item 5): an event is inserted in the transaction of the action it
-- records, unchained (prev_hash and row_hash NULL) and without any lock; one chainer at a time (an advisory lock, on
-- any node) links committed rows into the HMAC chain after commit. See dev.echoid.identity.store.AuditChainer.
ALTER TABLE audit_event
    ALTER COLUMN prev_hash DROP NOT NULL,
    ALTER COLUMN row_hash DROP NOT NULL,
    -- the inserting transaction: the chainer links only rows of transactions older than every transaction still
    -- running (pg_snapshot_xmin), in (xact_id, id) order, so no row that commits later can belong before a linked one
    ADD COLUMN xact_id xid8,
    -- HMAC under IDENTITY_AUDIT_KEY of the row's content, made by the inserting node: the chainer links no row
    -- someone without the key inserted (NULL without the key, dev mode only)
    ADD COLUMN insert_mac text,
    ADD CONSTRAINT audit_event_chained_whole CHECK ((prev_hash IS NULL) = (row_hash IS NULL)),
    ADD CONSTRAINT audit_event_unchained_has_xact CHECK (row_hash IS NOT NULL OR xact_id IS NOT NULL);
-- rows written before this migration keep xact_id NULL: they come first in the chain, in id order
ALTER TABLE audit_event ALTER COLUMN xact_id SET DEFAULT pg_current_xact_id();

-- what the chainer reads, and the chain order verify reads
CREATE INDEX audit_event_unchained ON audit_event (xact_id, id) WHERE row_hash IS NULL;
CREATE INDEX audit_event_chain_order ON audit_event (xact_id NULLS FIRST, id);

-- Still append-only, with two exceptions that never change what a row says (nor its xact_id or insert_mac):
-- V10's one-time re-chaining of an unkeyed linked row with the key (chain_version 1 to 2), and the chainer's
-- linking of an unlinked row (prev_hash and row_hash from NULL to values, chain_version set).
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.id, NEW.occurred_at, NEW.event_type, NEW.outcome, NEW.client_id, NEW.user_id, NEW.username,
            NEW.remote_address, NEW.detail, NEW.login_id, NEW.xact_id, NEW.insert_mac)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.occurred_at, OLD.event_type, OLD.outcome, OLD.client_id, OLD.user_id, OLD.username,
            OLD.remote_address, OLD.detail, OLD.login_id, OLD.xact_id, OLD.insert_mac)
       AND NEW.row_hash IS NOT NULL AND NEW.prev_hash IS NOT NULL THEN
        IF OLD.row_hash IS NOT NULL AND OLD.chain_version = 1 AND NEW.chain_version = 2 THEN
            RETURN NEW; -- V10: re-chained with the key
        END IF;
        IF OLD.row_hash IS NULL AND OLD.prev_hash IS NULL THEN
            RETURN NEW; -- linked by the chainer
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP;
END
$$;
