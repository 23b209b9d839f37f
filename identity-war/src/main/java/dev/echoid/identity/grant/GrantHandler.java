package dev.echoid.identity.grant;

import dev.echoid.identity.protocol.AuthorizationGrant;
import dev.echoid.identity.store.Client;
import java.util.Map;

/**
 * One {@code grant_type}: turns a parsed grant of an authenticated client into the JSON members of a successful
 * token response.
 *
 * @param <G> the parsed grant it handles
 */
public interface GrantHandler<G extends AuthorizationGrant> {

    String grantType();

    /** The record {@link AuthorizationGrant} parses this grant type into. */
    Class<G> grantClass();

    /**
     * The successful response (RFC 6749 §5.1), or an {@code OAuthException}.
     *
     * @param client    the authenticated client, allowed to use this grant type
     * @param requester its address (audit trail), and where the sign-in the grant belongs to is noted
     */
    Map<String, Object> handle(G grant, Client client, TokenRequester requester);
}
