package dev.echoid.echo.web;

import dev.echoid.echo.oidc.IdTokenException;
import dev.echoid.echo.oidc.ProviderException;
import dev.echoid.echo.oidc.RelyingParty;
import dev.echoid.echo.oidc.SessionTokens;
import dev.echoid.echo.oidc.TokenEndpointException;
import dev.echoid.echo.oidc.VerifiedIdentity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Optional;

/**
 * Who a request's session is signed in as: the identity its ID token proves, checked anew on every request. An ID
 * token expiring within the refresh margin is first renewed with the refresh token (RFC 6749 §6), at most one renewal
 * per session at a time.
 *
 * <p>A refused renewal signs the user out; a provider that cannot be reached leaves a still-valid ID token in use
 * and otherwise signs the user out too.
 */
final class SessionIdentity {

    private static final System.Logger LOG = System.getLogger(SessionIdentity.class.getName());

    private SessionIdentity() {
    }

    /** @throws ProviderException when discovery or the JWK Set cannot be fetched to verify the ID token */
    static Optional<VerifiedIdentity> of(HttpServletRequest request, RelyingParty relyingParty,
            SessionRegistry registry) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return Optional.empty();
        }
        try {
            Optional<SessionTokens> tokens = SignedInSession.tokens(session);
            if (tokens.isEmpty()) {
                return Optional.empty();
            }
            Optional<VerifiedIdentity> current = unexpired(relyingParty, tokens.get());
            if (current.isPresent() && (!relyingParty.needsRefresh(current.get()) || !tokens.get().canRefresh())) {
                return current;
            }
            return SignedInSession.exclusively(session, () -> renewIfStillNeeded(session, relyingParty, registry));
        } catch (IdTokenException e) {
            // A token that no longer verifies for another reason than its age is dropped, so the user signs in again.
            LOG.log(System.Logger.Level.INFO, "Session ID token no longer accepted: {0}", e.getMessage());
            forget(session);
            return Optional.empty();
        } catch (IllegalStateException invalidated) {
            // The session was ended meanwhile (sign-out, back-channel logout): signed out.
            return Optional.empty();
        }
    }

    /** Runs with the session's refresh lock held (its row's, when the session is shared); another request may have renewed the tokens while this one waited. */
    private static Optional<VerifiedIdentity> renewIfStillNeeded(HttpSession session, RelyingParty relyingParty,
            SessionRegistry registry) {
        Optional<SessionTokens> latest = SignedInSession.tokens(session);
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        SessionTokens tokens = latest.get();
        Optional<VerifiedIdentity> current = unexpired(relyingParty, tokens);
        if (current.isPresent() && (!relyingParty.needsRefresh(current.get()) || !tokens.canRefresh())) {
            return current;
        }
        if (!tokens.canRefresh()) {
            LOG.log(System.Logger.Level.INFO, "Session ID token expired and cannot be renewed; signing in again");
            SignedInSession.forget(session);
            return Optional.empty();
        }
        SessionTokens renewed;
        try {
            renewed = relyingParty.refresh(tokens);
        } catch (TokenEndpointException e) {
            if (e.refused()) {
                LOG.log(System.Logger.Level.INFO, "Refresh refused, signing out: {0}", e.getMessage());
                GatewayAudit.refreshFailed(tokens.idToken(), "refused; signed out");
                SignedInSession.invalidate(session);
                return Optional.empty();
            }
            return unreachable(session, current, e);
        } catch (IdTokenException e) {
            LOG.log(System.Logger.Level.WARNING, "Refreshed ID token refused, signing out: {0}", e.getMessage());
            GatewayAudit.refreshFailed(tokens.idToken(), "new ID token refused: " + e.reason() + "; signed out");
            SignedInSession.invalidate(session);
            return Optional.empty();
        } catch (ProviderException e) {
            return unreachable(session, current, e);
        }
        // RFC 6749 §6: the old refresh token is discarded; the rotated one is the only one kept.
        SignedInSession.store(session, renewed);
        Optional<VerifiedIdentity> identity = unexpired(relyingParty, renewed);
        if (identity.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "Renewed tokens carry no usable ID token; signing in again");
            SignedInSession.forget(session);
            return Optional.empty();
        }
        registry.register(session, identity.get());
        GatewayAudit.refreshed(identity.get());
        return identity;
    }

    private static Optional<VerifiedIdentity> unreachable(HttpSession session, Optional<VerifiedIdentity> current,
            ProviderException e) {
        if (current.isPresent()) {
            LOG.log(System.Logger.Level.WARNING, "Refresh failed, keeping the still valid ID token: {0}", e.getMessage());
            return current;
        }
        LOG.log(System.Logger.Level.WARNING, "Refresh failed and the ID token expired, signing out: {0}", e.getMessage());
        SignedInSession.invalidate(session);
        return Optional.empty();
    }

    /** The identity while the ID token is within its lifetime; empty once it expired; thrown for any other refusal. */
    private static Optional<VerifiedIdentity> unexpired(RelyingParty relyingParty, SessionTokens tokens) {
        try {
            return Optional.of(relyingParty.idTokenVerifier().verify(tokens.idToken()));
        } catch (IdTokenException e) {
            if (e.reason() == IdTokenException.Reason.EXPIRED) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static void forget(HttpSession session) {
        try {
            SignedInSession.forget(session);
        } catch (IllegalStateException invalidated) {
            // Already ended.
        }
    }
}
