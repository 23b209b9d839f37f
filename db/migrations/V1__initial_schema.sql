-- EchoID identity provider: initial schema.
-- This folder is the only source of the schema; Flyway applies it at identity-war start-up.

CREATE TABLE app_user (
    id             uuid        PRIMARY KEY,
    username       text        NOT NULL,
    password_hash  text        NOT NULL,             -- PHC string: $argon2id$v=19$m=..,t=..,p=..$salt$hash
    name           text,
    email          text,
    email_verified boolean     NOT NULL DEFAULT false,
    enabled        boolean     NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT app_user_username_not_blank CHECK (length(trim(username)) > 0)
);
-- user names are matched case-insensitively
CREATE UNIQUE INDEX app_user_username_key ON app_user (lower(username));

CREATE TABLE client (
    client_id     text        PRIMARY KEY,
    name          text        NOT NULL,
    secret_hash   text,                              -- NULL: a public client (token_endpoint_auth_method "none")
    redirect_uris text[]      NOT NULL,
    enabled       boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT client_has_redirect_uri CHECK (cardinality(redirect_uris) > 0)
);

-- One-time authorization codes. Only the SHA-256 of a code is stored.
CREATE TABLE authorization_code (
    code_hash             text        PRIMARY KEY,   -- base64url(SHA-256(code))
    client_id             text        NOT NULL REFERENCES client (client_id) ON DELETE CASCADE,
    user_id               uuid        NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    redirect_uri          text        NOT NULL,
    scope                 text        NOT NULL,
    nonce                 text,
    code_challenge        text,
    code_challenge_method text,
    auth_time             timestamptz NOT NULL,
    issued_at             timestamptz NOT NULL,
    expires_at            timestamptz NOT NULL,
    redeemed_at           timestamptz,               -- set once, atomically, by the first redemption
    access_token_id       text                       -- jti of the access token issued for it (revoked on replay)
);
CREATE INDEX authorization_code_expires_at ON authorization_code (expires_at);

-- Access tokens are self-contained JWTs; this lists the ones revoked before their expiry.
CREATE TABLE revoked_access_token (
    jti        text        PRIMARY KEY,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz NOT NULL DEFAULT now(),
    reason     text        NOT NULL
);

CREATE TABLE signing_key (
    kid         text        PRIMARY KEY,             -- RFC 7638 JWK thumbprint
    algorithm   text        NOT NULL,                -- JWS alg, e.g. RS256
    public_key  bytea       NOT NULL,                -- X.509 SubjectPublicKeyInfo (DER)
    private_key text        NOT NULL,                -- base64 PKCS#8, or "aesgcm:" + base64(iv || ciphertext)
    created_at  timestamptz NOT NULL DEFAULT now(),
    active      boolean     NOT NULL DEFAULT true    -- signs new tokens; inactive keys are still published
);

CREATE TABLE audit_event (
    id             bigserial   PRIMARY KEY,
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    event_type     text        NOT NULL,
    outcome        text        NOT NULL,             -- success | failure
    client_id      text,
    user_id        uuid,
    username       text,
    remote_address text,
    detail         text
);
CREATE INDEX audit_event_occurred_at ON audit_event (occurred_at);
