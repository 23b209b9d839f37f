package dev.echoid.echo.oidc;

import java.time.Instant;

/**
 * Who the verified ID token says the user is. Optional claims are null when the provider did not send them.
 *
 * @param subject           {@code sub}
 * @param issuer            {@code iss}
 * @param name              {@code name}
 * @param preferredUsername {@code preferred_username}
 * @param email             {@code email}
 * @param expiresAt         {@code exp}
 * @param issuedAt          {@code iat}
 * @param sessionId         {@code sid}: the provider's session (Front-/Back-Channel Logout 1.0), null when absent
 * @param loginId           {@code login_id}: the provider's audit id of this sign-in (EchoID's private claim), null
 *                          when absent; the gateway only logs it
 */
public record VerifiedIdentity(
        String subject,
        String issuer,
        String name,
        String preferredUsername,
        String email,
        Instant expiresAt,
        Instant issuedAt,
        String sessionId,
        String loginId) {

    /** The provider's (private) claim naming the sign-in in its audit trail. */
    public static final String LOGIN_ID_CLAIM = "login_id";


    /** The request attribute under which {@code OidcSessionFilter} hands the identity to the application. */
    public static final String REQUEST_ATTRIBUTE = VerifiedIdentity.class.getName();

    /** A name fit to greet the user with. */
    public String displayName() {
        if (name != null && !name.isBlank()) {
            return name;
        }
        if (preferredUsername != null && !preferredUsername.isBlank()) {
            return preferredUsername;
        }
        return subject;
    }
}
