-- Authorization requests waiting for the person to sign in, in the database so that any provider node can show
-- the login form, take the POST and finish the sign-in (no session affinity needed).

CREATE TABLE pending_authorization (
    id_hash                text        PRIMARY KEY,   -- SHA-256 of the request id the login pages carry
    browser_hash           text        NOT NULL,      -- SHA-256 of the IDENTITY_LOGIN cookie of the browser that asked
    request                text        NOT NULL,      -- the validated authorization request, JSON
    password_verified_user uuid        REFERENCES app_user (id) ON DELETE CASCADE, -- set once the password step passed
    created_at             timestamptz NOT NULL DEFAULT now(),
    expires_at             timestamptz NOT NULL
);
CREATE INDEX pending_authorization_expires_at ON pending_authorization (expires_at);
