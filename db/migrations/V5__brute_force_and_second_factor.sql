-- Brute-force defence and the second factor (issue 4).

-- Failed sign-in attempts counted per key: "user:<lower-case user name>" (whether or not the account exists, so
-- the lockout reveals nothing), "ip:<remote address>", "totp:<user id>" for the second step.
CREATE TABLE login_throttle (
    throttle_key    text        PRIMARY KEY,
    failures        integer     NOT NULL,
    last_failure_at timestamptz NOT NULL,
    locked_until    timestamptz
);

-- A user's TOTP (RFC 6238) credential. The secret is sealed (AES-GCM) when IDENTITY_KEY_ENCRYPTION_KEY is set.
-- last_used_step makes each code single-use: a code is accepted only for a later time step than the last one.
CREATE TABLE totp_credential (
    user_id        uuid        PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
    secret         text        NOT NULL,
    last_used_step bigint      NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- A client may require the second factor for its users.
ALTER TABLE client ADD COLUMN require_mfa boolean NOT NULL DEFAULT false;
