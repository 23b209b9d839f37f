package dev.echoid.identity.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 8252 §7.3: "The authorization server MUST allow any port to be specified at the time of the request for
 * loopback IP redirect URIs, to accommodate clients that obtain an available ephemeral port from the operating
 * system at the time of the request." Only the IP literals count: {@code localhost} is NOT RECOMMENDED (§8.3), as
 * a name can resolve elsewhere and a firewall may treat it apart; a {@code localhost} URI is matched exactly.
 */
final class LoopbackRedirect {

    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]");
    private static final int MAX_PORT = 65535;

    private LoopbackRedirect() {
    }

    /**
     * @return the requested URI when it is the registered loopback URI with (perhaps) another port; everything
     *         else (scheme, host, path, query) equal, no user info, no fragment
     */
    static Optional<URI> match(URI registered, String requested) {
        if (!isLoopback(registered)) {
            return Optional.empty();
        }
        URI candidate;
        try {
            candidate = new URI(requested);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        boolean same = isLoopback(candidate)
                && candidate.getHost().equals(registered.getHost())
                && Objects.equals(candidate.getRawPath(), registered.getRawPath())
                && Objects.equals(candidate.getRawQuery(), registered.getRawQuery())
                && candidate.getRawFragment() == null
                // the port and nothing else: the URI is exactly the registered one with this port
                && requested.equals(withPort(registered, candidate.getPort()));
        return same ? Optional.of(candidate) : Optional.empty();
    }

    private static boolean isLoopback(URI uri) {
        return "http".equals(uri.getScheme()) && uri.getRawAuthority() != null && uri.getHost() != null
                && LOOPBACK_HOSTS.contains(uri.getHost()) && uri.getRawUserInfo() == null
                && uri.getPort() != 0 && uri.getPort() <= MAX_PORT;
    }

    private static String withPort(URI uri, int port) {
        return uri.getScheme() + "://" + uri.getHost() + (port < 0 ? "" : ":" + port)
                + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }
}
