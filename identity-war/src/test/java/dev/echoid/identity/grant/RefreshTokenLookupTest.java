package dev.echoid.identity.grant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.fixtures.InMemoryStores;
import dev.echoid.identity.security.Sha256;
import dev.echoid.identity.store.Client;
import dev.echoid.identity.store.Grant;
import dev.echoid.identity.store.RefreshTokens.StoredRefreshToken;
import dev.echoid.identity.store.RefreshTokens.WithGrant;
import dev.echoid.identity.token.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The one lookup of a presented refresh token (refresh, revocation, introspection) on in-memory stores: by its hash,
 * with its grant, only for the client it was issued to; whether it lives, and whether it is still usable.
 */
class RefreshTokenLookupTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final InMemoryStores stores = new InMemoryStores(clock);
    private final RefreshTokenLookup lookup = new RefreshTokenLookup(stores.refreshTokens, stores.grants);
    private final Client app = Client.codeFlow("app", "App", "h", List.of(URI.create("https://app.example/cb")));
    private final Client other = Client.codeFlow("other", "Other", "h", List.of(URI.create("https://o.example/cb")));
    private final Instant now = clock.instant();

    private Grant grant(Instant expiresAt, Instant revokedAt) {
        Grant grant = new Grant(UUID.randomUUID(), "app", UUID.randomUUID(), null, "openid", now, now, expiresAt,
                revokedAt, "login-1");
        stores.grants.create(grant);
        return grant;
    }

    private String token(Grant grant, Instant expiresAt) {
        String token = "token-" + UUID.randomUUID();
        stores.refreshTokens.save(null, Sha256.base64Url(token), grant.id(), now, expiresAt);
        return token;
    }

    @Test
    void findOfWhenIssuedToTheClientThenTheTokenWithItsGrant() {
        Grant grant = grant(now.plus(Duration.ofDays(1)), null);
        String token = token(grant, now.plus(Duration.ofHours(1)));

        assertThat(RefreshTokenLookup.hash(token)).isEqualTo(Sha256.base64Url(token));
        assertThat(lookup.findOf(app, token)).hasValueSatisfying(found -> {
            assertThat(found.grant()).isEqualTo(grant);
            assertThat(found.token().tokenHash()).isEqualTo(Sha256.base64Url(token));
        });
        assertThat(lookup.findOf(other, token)).as("RFC 6749 §6: another client's").isEmpty();
        assertThat(lookup.findOf(app, "unknown")).isEmpty();
        assertThat(lookup.findByHash(RefreshTokenLookup.hash(token))).isPresent();
        assertThat(lookup.findForRefresh(RefreshTokenLookup.hash(token))).isPresent();
    }

    @Test
    void findByHashWhenTheGrantIsGoneThenNothing() {
        Grant grant = grant(now.plus(Duration.ofDays(1)), null);
        String token = token(grant, now.plus(Duration.ofHours(1)));
        stores.grantRows.remove(grant.id());
        assertThat(lookup.findByHash(RefreshTokenLookup.hash(token))).isEmpty();
    }

    @Test
    void livesUntilItsLastInstantWhileItsGrantIsActive() {
        Grant grant = grant(now.plus(Duration.ofDays(1)), null);
        WithGrant found = new WithGrant(new StoredRefreshToken("h", grant.id(), now, now.plusSeconds(60), null),
                grant);
        assertThat(RefreshTokenLookup.lives(found, now)).isTrue();
        assertThat(RefreshTokenLookup.lives(found, now.plusSeconds(60))).as("its last instant").isTrue();
        assertThat(RefreshTokenLookup.lives(found, now.plusSeconds(61))).isFalse();
        Grant revoked = grant(now.plus(Duration.ofDays(1)), now);
        assertThat(RefreshTokenLookup.lives(new WithGrant(found.token(), revoked), now)).isFalse();
        Grant expired = grant(now, null);
        assertThat(RefreshTokenLookup.lives(new WithGrant(found.token(), expired), now)).isFalse();
    }

    @Test
    void usableWhenItLivesAndWasNotUsedForASuccessor() {
        Grant grant = grant(now.plus(Duration.ofDays(1)), null);
        StoredRefreshToken fresh = new StoredRefreshToken("h", grant.id(), now, now.plusSeconds(60), null);
        StoredRefreshToken used = new StoredRefreshToken("h", grant.id(), now, now.plusSeconds(60), now);
        assertThat(RefreshTokenLookup.usable(new WithGrant(fresh, grant), now)).isTrue();
        assertThat(RefreshTokenLookup.usable(new WithGrant(used, grant), now)).isFalse();
        assertThat(RefreshTokenLookup.usable(new WithGrant(fresh, grant), now.plusSeconds(61))).isFalse();
    }
}
