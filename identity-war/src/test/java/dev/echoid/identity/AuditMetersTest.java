package dev.echoid.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.login.Authenticator;
import dev.echoid.identity.metrics.Metrics;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuditMetersTest {

    private final List<AuditEvent> recorded = new ArrayList<>();
    private final Metrics metrics = new Metrics(Optional.empty());
    private final AuditLog audit = new AuditMeters(new AuditLog() {
        @Override
        public void record(AuditEvent event) {
            recorded.add(event);
        }

        @Override
        public List<AuditEvent> recent(int limit) {
            return recorded;
        }
    }, metrics);

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void recordWhenLoginEventsThenCountedByOutcomeAndStillRecorded() {
        audit.record(AuditEvent.success(AuditEvent.Type.LOGIN_SUCCEEDED, "c", null, "ada", "::1", null));
        audit.record(AuditEvent.failure(AuditEvent.Type.LOGIN_FAILED, "c", null, "ada", "::1", "wrong password"));
        audit.record(AuditEvent.failure(AuditEvent.Type.LOGIN_FAILED, "c", null, "ada", "::1", "unknown user"));
        audit.record(AuditEvent.failure(AuditEvent.Type.LOGIN_FAILED, "c", null, "ada", "::1", Authenticator.LOCKED));

        String text = metrics.scrape();
        assertThat(text).contains("echoid_logins_total{outcome=\"success\"} 1.0")
                .contains("echoid_logins_total{outcome=\"failure\"} 2.0")
                .contains("echoid_logins_total{outcome=\"locked\"} 1.0");
        assertThat(recorded).hasSize(4);
    }

    @Test
    void recordWhenTokensIssuedThenCountedByGrantTypeAndOtherEventsNot() {
        audit.record(AuditEvent.success(AuditEvent.Type.CODE_REDEEMED, "c", null, null, null, null));
        audit.record(AuditEvent.success(AuditEvent.Type.TOKEN_REFRESHED, "c", null, null, null, null));
        // the retry of a lost answer issues a pair too
        audit.record(AuditEvent.success(AuditEvent.Type.TOKEN_REFRESH_RETRIED, "c", null, null, null, null));
        audit.record(AuditEvent.success(AuditEvent.Type.CLIENT_CREDENTIALS_ISSUED, "c", null, null, null, null));
        audit.record(AuditEvent.success(AuditEvent.Type.CODE_ISSUED, "c", null, null, null, null));
        audit.record(AuditEvent.failure(AuditEvent.Type.CODE_REUSED, "c", null, null, null, null));

        String text = metrics.scrape();
        assertThat(text).contains("echoid_tokens_issued_total{grant_type=\"authorization_code\"} 1.0")
                .contains("echoid_tokens_issued_total{grant_type=\"refresh_token\"} 2.0")
                .contains("echoid_tokens_issued_total{grant_type=\"client_credentials\"} 1.0")
                .contains("echoid_logins_total{outcome=\"success\"} 0.0");
    }

    @Test
    void scrapeWhenNothingHappenedThenEveryEchoidSeriesAtZero() {
        assertThat(metrics.scrape()).contains("echoid_lockouts_total 0.0")
                .contains("echoid_logins_total{outcome=\"locked\"} 0.0")
                .contains("echoid_tokens_issued_total{grant_type=\"client_credentials\"} 0.0")
                .contains("jvm_memory_used_bytes{");
    }
}
