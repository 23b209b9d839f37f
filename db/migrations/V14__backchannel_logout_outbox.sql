-- Back-channel logout outbox (issue 12, item 3): one row per (ended sign-on session, client with a
-- backchannel_logout_uri), written by the statement that ends the session, so a logout that committed is delivered
-- even when the node dies before its first attempt. Workers on any node claim due rows with FOR UPDATE SKIP LOCKED
-- and POST a logout token minted at delivery (see dev.echoid.identity.logout.BackchannelDelivery).
CREATE TABLE backchannel_logout_outbox (
    id                     uuid        PRIMARY KEY,
    sso_session_id         uuid        NOT NULL,           -- the token's sid; no foreign key: the session may be purged first
    user_id                uuid        NOT NULL,           -- the token's sub
    client_id              text        NOT NULL REFERENCES client (client_id) ON DELETE CASCADE,
    backchannel_logout_uri text        NOT NULL,           -- as registered when the session ended
    login_id               text,                           -- the audit trail of the sign-in the token ends
    state                  text        NOT NULL DEFAULT 'pending',
    attempts               integer     NOT NULL DEFAULT 0,
    created_at             timestamptz NOT NULL DEFAULT now(),  -- when the session ended
    queued_at              timestamptz NOT NULL DEFAULT now(),  -- the start of the current round (an operator's retry restarts it)
    next_attempt_at        timestamptz NOT NULL DEFAULT now(),  -- due from then; a claim moves it past the delivery's lease
    finished_at            timestamptz,                    -- delivered or dead-lettered
    last_error             text,
    CONSTRAINT backchannel_logout_outbox_state CHECK (state IN ('pending', 'delivered', 'dead')),
    -- one logout per client and session, however often the end is recorded
    CONSTRAINT backchannel_logout_outbox_once UNIQUE (sso_session_id, client_id)
);
-- the workers' claim: due pending rows, oldest first
CREATE INDEX backchannel_logout_outbox_due ON backchannel_logout_outbox (next_attempt_at) WHERE state = 'pending';
-- the housekeeping and the admin list: finished rows by age
CREATE INDEX backchannel_logout_outbox_finished ON backchannel_logout_outbox (state, finished_at)
    WHERE state <> 'pending';
CREATE INDEX backchannel_logout_outbox_client ON backchannel_logout_outbox (client_id);
