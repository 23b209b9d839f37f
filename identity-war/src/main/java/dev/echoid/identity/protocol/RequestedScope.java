package dev.echoid.identity.protocol;

import java.util.Optional;

/**
 * The {@code scope} parameter of a token request, parsed (RFC 6749 §3.3). A repeated or malformed value keeps its
 * error, which the grant raises when it reaches the scope: a refresh token presented again is detected as reused
 * whatever its scope parameter says, and the answer to a request with two faults is the one its first check gives.
 */
public final class RequestedScope {

    private static final RequestedScope ABSENT = new RequestedScope(false, null, null);

    private final boolean present;
    private final Scope scope;
    private final OAuthException error;

    private RequestedScope(boolean present, Scope scope, OAuthException error) {
        this.present = present;
        this.scope = scope;
        this.error = error;
    }

    static RequestedScope parse(Parameters params) {
        Optional<String> value;
        try {
            value = params.optional("scope");
        } catch (OAuthException repeated) {
            return new RequestedScope(true, null, repeated);
        }
        if (value.isEmpty()) {
            return ABSENT;
        }
        try {
            return new RequestedScope(true, Scope.parse(value.get()), null);
        } catch (OAuthException malformed) {
            return new RequestedScope(true, null, malformed);
        }
    }

    public static RequestedScope absent() {
        return ABSENT;
    }

    public static RequestedScope of(Scope scope) {
        return new RequestedScope(true, scope, null);
    }

    /** Whether the request has a scope, well-formed or not; a repeated one is an {@code invalid_request}. */
    public boolean isPresent() {
        if (error != null && error.error() == OAuthError.INVALID_REQUEST) {
            throw error;
        }
        return present;
    }

    /** The scope asked for, or {@code otherwise} when none is; a repeated or malformed one is its error. */
    public Scope orElse(Scope otherwise) {
        if (error != null) {
            throw error;
        }
        return present ? scope : otherwise;
    }

    @Override
    public String toString() {
        return !present ? "(no scope)" : error != null ? "(" + error.description() + ")" : scope.toString();
    }
}
