package dev.echoid.identity.grant;

import dev.echoid.identity.protocol.Parameters;
import dev.echoid.identity.store.Client;

/**
 * A token request from an authenticated client.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3">RFC 6749 §4.1.3</a>
 */
public record TokenRequest(String grantType, Parameters parameters, Client client, String remoteAddress) {
}
