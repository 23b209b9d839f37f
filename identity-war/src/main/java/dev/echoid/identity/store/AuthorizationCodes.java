package dev.echoid.identity.store;

import java.util.Optional;

/**
 * One-time authorization codes, kept under the SHA-256 of the code.
 *
 * <p>Contract: {@link #redeem} succeeds at most once per code, however many callers race for it.
 */
public interface AuthorizationCodes {

    void save(IssuedCode code);

    /**
     * Marks the code redeemed and records the grant created for it, in one atomic statement within {@code tx}. The
     * code's row stays locked until {@code tx} ends, so a concurrent redemption waits for it and then finds the code
     * redeemed, with its grant committed (or, if {@code tx} rolled back, the code unredeemed).
     *
     * @return the code as it was, or empty when it is unknown or was already redeemed
     */
    Optional<IssuedCode> redeem(Transaction tx, String codeHash, java.util.UUID grantId);

    /** The code's row, redeemed or not (to tell a replay from an unknown code). */
    Optional<IssuedCode> find(String codeHash);

    /**
     * What a redemption checks before its transaction: the code, its user (empty when deleted) and how the user
     * authenticated in the code's sign-on session (its RFC 8176 {@code amr} values, space-separated; empty without one).
     */
    record ForRedemption(IssuedCode code, Optional<User> user, Optional<String> sessionAmr) {
    }

    /** {@link ForRedemption} of a code, redeemed or not; empty when unknown. One statement, one round trip. */
    Optional<ForRedemption> findForRedemption(String codeHash);

    /**
     * Removes at most {@code limit} codes that expired before the cut-off and that nothing reads any more: the grant
     * made when it was redeemed is gone (a replay revokes that grant while it exists, RFC 6749 §4.1.2), and its
     * sign-on session has ended or is gone (a session's codes name the clients its logout tells). How many.
     */
    int deleteExpired(java.time.Instant cutoff, int limit);
}
