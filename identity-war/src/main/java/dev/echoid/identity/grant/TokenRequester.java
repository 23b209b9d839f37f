package dev.echoid.identity.grant;

import java.util.function.Consumer;

/**
 * Who sent a token request, as its handler needs it: the address for the audit trail, and where to note the sign-in
 * the request turns out to belong to (the request's access line). The endpoint passes it with the request, so
 * nothing is kept beside the thread.
 *
 * @param loginIdNotes told the login id of the code or refresh token presented, once the handler has found it
 */
public record TokenRequester(String remoteAddress, Consumer<String> loginIdNotes) {

    /** A requester whose login id goes nowhere (tests, and callers without an access line). */
    public static TokenRequester at(String remoteAddress) {
        return new TokenRequester(remoteAddress, loginId -> { });
    }

    void noteLoginId(String loginId) {
        if (loginId != null) {
            loginIdNotes.accept(loginId);
        }
    }
}
