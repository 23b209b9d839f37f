package dev.echoid.identity.grant;

import java.util.Map;

/** One {@code grant_type}: turns a token request into the JSON members of a successful token response. */
public interface GrantHandler {

    String grantType();

    /** The successful response (RFC 6749 §5.1), or an {@code OAuthException}. */
    Map<String, Object> handle(TokenRequest request);
}
