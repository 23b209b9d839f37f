package dev.echoid.identity.protocol;

import jakarta.ws.rs.core.MultivaluedMap;
import java.util.Optional;

/**
 * An RP-initiated logout request, parsed (GET query or POST form). A repeated parameter or one with a control
 * character makes the request {@link #malformed()} (the endpoint shows a page saying so); the confirmation token of
 * the endpoint's own form is read apart: a repeated or unreadable one is no confirmation.
 *
 * @param malformed the description of what is wrong, or null
 * @see <a href="https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout">RP-Initiated Logout §2</a>
 */
public record EndSessionRequest(Optional<String> idTokenHint, Optional<String> clientId,
        Optional<String> postLogoutRedirectUri, Optional<String> state, boolean confirmationSent,
        String confirmation, String malformed) {

    public static EndSessionRequest parse(MultivaluedMap<String, String> values) {
        Parameters params = Parameters.of(values);
        boolean confirmationSent = values.containsKey("confirmation");
        String confirmation;
        try {
            confirmation = params.optional("confirmation").orElse("");
        } catch (OAuthException unreadable) {
            confirmation = "";
        }
        try {
            return new EndSessionRequest(params.optional("id_token_hint"), params.optional("client_id"),
                    params.optional("post_logout_redirect_uri"), params.optional("state"), confirmationSent,
                    confirmation, null);
        } catch (OAuthException malformed) {
            return new EndSessionRequest(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    confirmationSent, confirmation, malformed.description() + ".");
        }
    }

    public boolean isMalformed() {
        return malformed != null;
    }

    @Override
    public String toString() {
        return "EndSessionRequest(client " + clientId + ", hint " + idTokenHint.isPresent() + ")";
    }
}
