-- Housekeeping (issue 11, item 5): rows that no longer count are purged on a schedule, one node at a time, in
-- bounded batches (see dev.echoid.identity.store.Housekeeping). These indexes serve its predicates and the foreign
-- keys that a purged row's deletion checks; the other purge predicates use indexes that exist already
-- (pending_authorization, pending_consent, authorization_code and access_token on expires_at).

-- refresh tokens go once expired (their reuse is refused as expired before it could be detected as reuse)
CREATE INDEX refresh_token_expires_at ON refresh_token (expires_at);
-- a grant goes once it is older than the retention and no token of it is left
CREATE INDEX authorization_grant_created_at ON authorization_grant (created_at);
-- deleting a sign-on session sets these to NULL (codes) or deletes them (consent requests): without an index, one
-- scan of the table per session; the session's clients (back-channel logout) are found by it too
CREATE INDEX authorization_code_sso_session ON authorization_code (sso_session_id);
CREATE INDEX pending_consent_sso_session ON pending_consent (sso_session_id);
-- throttle rows go once their failures no longer count (older than the failure reset window)
CREATE INDEX login_throttle_last_failure_at ON login_throttle (last_failure_at);
