-- Client kinds for the standards corners of issue 9.

-- OpenID Connect Dynamic Client Registration §2 application_type: a native app may use a loopback redirect URI
-- with any port (RFC 8252 §7.3); every other redirect URI, and every web client's, is matched exactly.
ALTER TABLE client
    ADD COLUMN application_type text NOT NULL DEFAULT 'web'
        CONSTRAINT client_application_type CHECK (application_type IN ('web', 'native'));

-- The clients whose access tokens this client may introspect as a resource server (RFC 7662 §4); '*' for all.
-- A client may always introspect its own tokens.
ALTER TABLE client
    ADD COLUMN resource_server_for text[] NOT NULL DEFAULT '{}';
