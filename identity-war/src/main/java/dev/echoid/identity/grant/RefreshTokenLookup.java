package dev.echoid.identity.grant;

import dev.echoid.identity.security.Sha256;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grants;
import dev.echoid.identity.store.RefreshTokens;
import dev.echoid.identity.store.RefreshTokens.WithGrant;
import java.time.Instant;
import java.util.Optional;

/**
 * The one way a presented refresh token is found, for the refresh grant, revocation and introspection alike: by the
 * hash it is stored under, with its grant (one statement), and the checks they share: whose it is, and whether it
 * still lives.
 */
public final class RefreshTokenLookup {

    private final RefreshTokens refreshTokens;
    private final Grants grants;

    public RefreshTokenLookup(RefreshTokens refreshTokens, Grants grants) {
        this.refreshTokens = refreshTokens;
        this.grants = grants;
    }

    /** Tokens are stored under their hash, never their value. */
    public static String hash(String token) {
        return Sha256.base64Url(token);
    }

    /** The token stored under {@code tokenHash} and its grant; empty when either is unknown. */
    public Optional<WithGrant> findByHash(String tokenHash) {
        return refreshTokens.findWithGrant(tokenHash, grants);
    }

    /** The token stored under {@code tokenHash}, its grant, user and session's amr: what a refresh reads first. */
    public Optional<RefreshTokens.ForRefresh> findForRefresh(String tokenHash) {
        return refreshTokens.findForRefresh(tokenHash);
    }

    /** The presented token and its grant, when it was issued to {@code client}; empty otherwise. */
    public Optional<WithGrant> findOf(Client client, String token) {
        return findByHash(hash(token)).filter(found -> issuedTo(found, client));
    }

    /** RFC 6749 §6: "ensure that it was issued to the authenticated client". */
    public static boolean issuedTo(WithGrant found, Client client) {
        return found.grant().clientId().equals(client.clientId());
    }

    /** Its grant is active (not revoked, not past its absolute lifetime) and the token has not expired. */
    public static boolean lives(WithGrant found, Instant now) {
        // a token still works at its last instant, as the refresh grant always let it
        return found.grant().isActive(now) && !found.token().expiresAt().isBefore(now);
    }

    /** It lives and has not been used for a successor: what introspection calls active. */
    public static boolean usable(WithGrant found, Instant now) {
        return found.token().rotatedAt() == null && lives(found, now);
    }
}
