package dev.echoid.identity;

import dev.echoid.identity.login.Authenticator;
import dev.echoid.identity.metrics.Metrics;
import dev.echoid.identity.metrics.Metrics.LoginOutcome;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Transaction;
import java.util.List;

/**
 * The audit log, observed: every event the provider records is counted here, in one place, rather than at each
 * place that records one.
 */
public final class AuditMeters implements AuditLog {

    private final AuditLog audit;
    private final Metrics metrics;

    public AuditMeters(AuditLog audit, Metrics metrics) {
        this.audit = audit;
        this.metrics = metrics;
    }

    @Override
    public void record(AuditEvent event) {
        audit.record(event);
        count(event);
    }

    /** Counted once the transaction has committed: a rolled-back grant issued nothing. */
    @Override
    public void record(Transaction tx, AuditEvent event) {
        if (tx == null) {
            record(event);
            return;
        }
        audit.record(tx, event);
        tx.afterCommit(() -> count(event));
    }

    @Override
    public List<AuditEvent> recent(int limit) {
        return audit.recent(limit);
    }

    private void count(AuditEvent event) {
        switch (event.type()) {
            case LOGIN_SUCCEEDED -> metrics.login(LoginOutcome.SUCCESS);
            case LOGIN_FAILED -> metrics.login(Authenticator.LOCKED.equals(event.detail())
                    ? LoginOutcome.LOCKED : LoginOutcome.FAILURE);
            case CODE_REDEEMED -> metrics.tokensIssued(Client.AUTHORIZATION_CODE);
            case TOKEN_REFRESHED, TOKEN_REFRESH_RETRIED -> metrics.tokensIssued(Client.REFRESH_TOKEN);
            case CLIENT_CREDENTIALS_ISSUED -> metrics.tokensIssued(Client.CLIENT_CREDENTIALS);
            default -> {
                // not metered
            }
        }
    }
}
