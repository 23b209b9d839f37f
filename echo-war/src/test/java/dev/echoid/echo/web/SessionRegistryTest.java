package dev.echoid.echo.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.echo.oidc.LogoutToken;
import dev.echoid.echo.oidc.VerifiedIdentity;
import jakarta.servlet.http.HttpSession;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {

    private static final String ISSUER = "https://op.example/realm";
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    /** A session that knows its id, can change it, and counts invalidations (which throw once it is invalid). */
    private static final class FakeSession {
        final AtomicReference<String> id;
        final AtomicInteger invalidations = new AtomicInteger();
        final HttpSession session;

        FakeSession(String id) {
            this.id = new AtomicReference<>(id);
            this.session = (HttpSession) Proxy.newProxyInstance(HttpSession.class.getClassLoader(),
                    new Class<?>[] {HttpSession.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "getId":
                                return this.id.get();
                            case "invalidate":
                                if (invalidations.getAndIncrement() > 0) {
                                    throw new IllegalStateException("already invalidated");
                                }
                                return null;
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            case "equals":
                                return proxy == args[0];
                            default:
                                throw new UnsupportedOperationException(method.getName());
                        }
                    });
        }
    }

    private static VerifiedIdentity identity(String sub, String sid) {
        return new VerifiedIdentity(sub, ISSUER, null, null, null, NOW.plusSeconds(300), NOW, sid, null);
    }

    private static LogoutToken token(String issuer, String sub, String sid) {
        return new LogoutToken(issuer, sub, sid, "jti", NOW);
    }

    @Test
    void endWhenSidGivenThenOnlySessionsOfThatProviderSessionEnd() {
        SessionRegistry registry = new SessionRegistry();
        FakeSession a = new FakeSession("A");
        FakeSession b = new FakeSession("B");
        registry.register(a.session, identity("alice", "sid-1"));
        registry.register(b.session, identity("alice", "sid-2"));

        int ended = registry.end(token(ISSUER, null, "sid-1"));

        assertThat(ended).isEqualTo(1);
        assertThat(a.invalidations).hasValue(1);
        assertThat(b.invalidations).hasValue(0);
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void endWhenSidAndSubGivenThenBothMustMatch() {
        SessionRegistry registry = new SessionRegistry();
        FakeSession a = new FakeSession("A");
        registry.register(a.session, identity("alice", "sid-1"));

        assertThat(registry.end(token(ISSUER, "mallory", "sid-1"))).isZero();
        assertThat(registry.end(token(ISSUER, "alice", "sid-1"))).isEqualTo(1);
        assertThat(a.invalidations).hasValue(1);
    }

    @Test
    void endWhenOnlySubGivenThenEveryOneOfThatUsersSessionsEnds() {
        SessionRegistry registry = new SessionRegistry();
        FakeSession a = new FakeSession("A");
        FakeSession b = new FakeSession("B");
        FakeSession c = new FakeSession("C");
        registry.register(a.session, identity("alice", "sid-1"));
        registry.register(b.session, identity("alice", null));
        registry.register(c.session, identity("bob", "sid-3"));

        int ended = registry.end(token(ISSUER, "alice", null));

        assertThat(ended).isEqualTo(2);
        assertThat(a.invalidations).hasValue(1);
        assertThat(b.invalidations).hasValue(1);
        assertThat(c.invalidations).hasValue(0);
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void endWhenOtherIssuerThenNothingEnds() {
        SessionRegistry registry = new SessionRegistry();
        FakeSession a = new FakeSession("A");
        registry.register(a.session, identity("alice", "sid-1"));

        assertThat(registry.end(token("https://other.example", "alice", "sid-1"))).isZero();
        assertThat(registry.end(token("https://other.example", "alice", null))).isZero();
        assertThat(a.invalidations).hasValue(0);
    }

    @Test
    void removeWhenSessionDestroyedThenForgotten() {
        SessionRegistry registry = new SessionRegistry();
        FakeSession a = new FakeSession("A");
        registry.register(a.session, identity("alice", "sid-1"));

        registry.remove("A");

        assertThat(registry.size()).isZero();
        assertThat(registry.matching(token(ISSUER, "alice", null))).isEmpty();
        assertThat(registry.matching(token(ISSUER, null, "sid-1"))).isEmpty();
    }

    @Test
    void registerWhenCalledAgainAfterRefreshThenEntryReplaced() {
        SessionRegistry registry = new SessionRegistry();
        FakeSession a = new FakeSession("A");
        registry.register(a.session, identity("alice", "sid-1"));

        registry.register(a.session, identity("alice", "sid-2"));

        assertThat(registry.size()).isEqualTo(1);
        assertThat(registry.matching(token(ISSUER, null, "sid-1"))).isEmpty();
        assertThat(registry.matching(token(ISSUER, null, "sid-2"))).containsExactly(a.session);
    }

    @Test
    void renamedWhenSessionIdChangesThenStillFoundAndRemovableByNewId() {
        SessionRegistry registry = new SessionRegistry();
        FakeSession a = new FakeSession("A");
        registry.register(a.session, identity("alice", "sid-1"));

        a.id.set("A2");
        registry.renamed("A", a.session);

        assertThat(registry.matching(token(ISSUER, null, "sid-1"))).containsExactly(a.session);
        registry.remove("A2");
        assertThat(registry.size()).isZero();
    }

    @Test
    void endWhenSessionAlreadyInvalidatedThenIgnored() {
        SessionRegistry registry = new SessionRegistry();
        FakeSession a = new FakeSession("A");
        registry.register(a.session, identity("alice", "sid-1"));
        a.session.invalidate();

        assertThat(registry.end(token(ISSUER, "alice", null))).isEqualTo(1);
        assertThat(registry.size()).isZero();
    }
}
