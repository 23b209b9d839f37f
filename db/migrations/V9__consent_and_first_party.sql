-- OIDC Core §11 offline access: what a person allowed, the requests waiting for their answer, and the clients
-- (first-party) that need no consent page.

-- A client run by the provider's own operator (the gateway): it gets offline_access without a consent page.
ALTER TABLE client ADD COLUMN first_party boolean NOT NULL DEFAULT false;

-- The person's answer "Allow" on the consent page, one row per user and client (the latest answer), so that an
-- account page can list and withdraw it. The audit trail keeps every answer.
CREATE TABLE user_consent (
    user_id    uuid        NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    client_id  text        NOT NULL REFERENCES client (client_id) ON DELETE CASCADE,
    scope      text        NOT NULL,               -- space-delimited, as granted
    granted_at timestamptz NOT NULL,
    revoked_at timestamptz,
    PRIMARY KEY (user_id, client_id)
);

-- Authorization requests of a signed-in person waiting for the consent page's answer: in the database so that
-- any node shows the page and takes its POST. Bound to the browser (IDENTITY_LOGIN) and to the sign-on session
-- that authenticated the person; it goes when that session is deleted.
CREATE TABLE pending_consent (
    id_hash        text        PRIMARY KEY,        -- SHA-256 of the request id the consent page carries
    browser_hash   text        NOT NULL,           -- SHA-256 of the IDENTITY_LOGIN cookie of the browser that asked
    sso_session_id uuid        NOT NULL REFERENCES sso_session (id) ON DELETE CASCADE,
    request        text        NOT NULL,           -- the validated authorization request, JSON
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL
);
CREATE INDEX pending_consent_expires_at ON pending_consent (expires_at);
