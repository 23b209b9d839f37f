-- Refresh tokens, revocation, single sign-on sessions and logout (issue 3).

-- What a client may do, and where the provider may send its logout messages.
ALTER TABLE client
    ADD COLUMN grant_types                  text[] NOT NULL DEFAULT ARRAY['authorization_code'],
    ADD COLUMN post_logout_redirect_uris    text[] NOT NULL DEFAULT '{}',
    ADD COLUMN backchannel_logout_uri       text,
    ADD COLUMN id_token_signed_response_alg text   NOT NULL DEFAULT 'RS256';
-- a client_credentials-only client has no redirect URI
ALTER TABLE client DROP CONSTRAINT client_has_redirect_uri;

-- The provider's single sign-on session with one browser. Its id is the "sid" claim; the browser holds a random
-- secret whose SHA-256 is stored here.
CREATE TABLE sso_session (
    id           uuid        PRIMARY KEY,
    secret_hash  text        NOT NULL UNIQUE,
    user_id      uuid        NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    auth_time    timestamptz NOT NULL,
    amr          text        NOT NULL DEFAULT 'pwd',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,                -- absolute end; idle end is last_seen_at + idle lifetime
    ended_at     timestamptz
);
CREATE INDEX sso_session_user ON sso_session (user_id);

-- One authorization of one client: by a user through the code flow (then tied to the sign-on session it came
-- from), or by the client itself (client_credentials). Every token issued hangs off a grant; revoking the grant
-- ends all of them.
CREATE TABLE authorization_grant (
    id             uuid        PRIMARY KEY,
    client_id      text        NOT NULL REFERENCES client (client_id) ON DELETE CASCADE,
    user_id        uuid        REFERENCES app_user (id) ON DELETE CASCADE,
    sso_session_id uuid        REFERENCES sso_session (id) ON DELETE SET NULL,
    scope          text        NOT NULL,
    auth_time      timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,              -- absolute lifetime of its refresh tokens
    revoked_at     timestamptz,
    revoked_reason text
);
CREATE INDEX authorization_grant_session ON authorization_grant (sso_session_id);

-- Opaque refresh tokens, stored under their SHA-256. Rotated on every use: the used one keeps rotated_at, and a
-- second use of it revokes the whole grant (RFC 9700 §4.14.2).
CREATE TABLE refresh_token (
    token_hash text        PRIMARY KEY,
    grant_id   uuid        NOT NULL REFERENCES authorization_grant (id) ON DELETE CASCADE,
    issued_at  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,                  -- idle lifetime
    rotated_at timestamptz
);
CREATE INDEX refresh_token_grant ON refresh_token (grant_id);

-- Every access token issued (they are self-contained JWTs; this records their grant so they can be revoked).
CREATE TABLE access_token (
    jti        text        PRIMARY KEY,
    grant_id   uuid        NOT NULL REFERENCES authorization_grant (id) ON DELETE CASCADE,
    client_id  text        NOT NULL,
    issued_at  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX access_token_grant ON access_token (grant_id);
CREATE INDEX access_token_expires_at ON access_token (expires_at);

-- A code now records the grant created when it is redeemed (a replay revokes that grant) and the sign-on session
-- it came from.
ALTER TABLE authorization_code ADD COLUMN grant_id uuid;
ALTER TABLE authorization_code ADD COLUMN sso_session_id uuid REFERENCES sso_session (id) ON DELETE SET NULL;
ALTER TABLE authorization_code DROP COLUMN access_token_id;
DROP TABLE revoked_access_token;
