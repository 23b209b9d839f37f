package dev.echoid.identity.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A token grant and its audit row commit together (issue 10, item 5): with the database failing on the audit
 * write, no token is issued that the trail does not record, and a refresh token is not spent, so the client's
 * retry is not taken for reuse.
 */
@ExtendWith(PostgresExtension.class)
class GrantAuditAtomicityIT {

    @Test
    void whenTheAuditWriteFailsNoTokenIsIssuedUnrecordedAndTheRefreshRetryWorks() throws Exception {
        TokenGrantFixture fixture = TokenGrantFixture.on("grant_audit_atomic");
        CountingDataSource faulty = fixture.counted;

        // client_credentials while the audit trail cannot be written: refused, and nothing issued
        faulty.failWhen = sql -> sql.contains("audit_");
        assertThatThrownBy(fixture::clientCredentialsRequest).hasStackTraceContaining("connection was lost");
        faulty.failWhen = sql -> false;
        assertThat(fixture.count("SELECT count(*) FROM authorization_grant")).as("no grant committed").isZero();
        assertThat(fixture.count("SELECT count(*) FROM access_token")).as("no access token issued").isZero();

        // a refresh while the audit trail cannot be written: refused, the token not spent, the retry succeeds
        String refreshToken = fixture.refreshTokenOfANewGrant();
        faulty.failWhen = sql -> sql.contains("audit_");
        assertThatThrownBy(() -> fixture.refreshRequest(refreshToken)).hasStackTraceContaining("connection was lost");
        faulty.failWhen = sql -> false;
        assertThat(fixture.count("SELECT count(*) FROM refresh_token WHERE rotated_at IS NOT NULL"))
                .as("the refresh token is not spent").isZero();
        assertThat(fixture.count("SELECT count(*) FROM access_token")).as("only the first access token").isOne();

        assertThat(fixture.refreshRequest(refreshToken))
                .as("the client's retry is no reuse").containsKeys("access_token", "refresh_token");
        assertThat(fixture.count("SELECT count(*) FROM authorization_grant WHERE revoked_at IS NOT NULL"))
                .isZero();
        assertThat(fixture.count("SELECT count(*) FROM audit_event WHERE event_type = 'TOKEN_REFRESHED'"))
                .isOne();
        assertThat(fixture.count("SELECT count(*) FROM audit_event WHERE event_type = 'REFRESH_TOKEN_REUSED'"))
                .isZero();
        assertThat(fixture.audit.verify().intact()).isTrue();
    }
}
