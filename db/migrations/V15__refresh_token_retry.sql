-- The retry of a refresh whose answer was lost (issue 12): a token records the one it was rotated from and the
-- access token issued with it, so that the rotated token presented again within the retry window can revoke its
-- unused successor (and that successor's access token) before a new pair is issued.
ALTER TABLE refresh_token
    ADD COLUMN rotated_from text,
    ADD COLUMN access_jti   text;
-- the retry finds the successor of a rotated token by this; rotated_from never changes, so rotations stay HOT
CREATE INDEX refresh_token_rotated_from ON refresh_token (rotated_from);
