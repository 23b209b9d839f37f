package dev.echoid.identity.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echoid.identity.config.LoginPolicy;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.login.BruteForceProtection;
import dev.echoid.identity.login.SecondFactor;
import dev.echoid.identity.security.RandomTokens;
import dev.echoid.identity.security.Sealer;
import dev.echoid.identity.security.Totp;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.AuditLog;
import dev.echoid.identity.store.JdbcLoginThrottles;
import dev.echoid.identity.store.JdbcSigningKeyStore;
import dev.echoid.identity.store.JdbcTotpCredentials;
import dev.echoid.identity.store.JdbcUsers;
import dev.echoid.identity.store.User;
import dev.echoid.identity.token.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Someone who can write the database, but does not know {@code IDENTITY_KEY_ENCRYPTION_KEY}, plants a secret of
 * their own in plain form: a signing key (to sign tokens the provider's JWKS would vouch for) or a user's TOTP
 * secret (to pass the second factor). Once the key is set, the provider refuses both.
 */
@ExtendWith(PostgresExtension.class)
class SecretsAtRestIT {

    private final byte[] kek = RandomTokens.bytes(32);

    @Test
    void unsealedSigningKeyRowIsRefusedOnceKeyIsSet() throws Exception {
        DataSource database = FreshDatabase.migrated("secrets_signing");
        SigningKeys running = new SigningKeys(new JdbcSigningKeyStore(database), Optional.of(kek)).initialize();
        String genuine = running.signingKey().kid();

        // the attacker's own RSA key, newer than the provider's, its private part stored as plain base64
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair planted = generator.generateKeyPair();
        String plantedKid = thumbprint((RSAPublicKey) planted.getPublic());
        try (Connection connection = database.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO signing_key (kid, algorithm, public_key, private_key, created_at, not_before) "
                        + "VALUES (?, 'RS256', ?, ?, ?, ?)")) {
            Timestamp now = Timestamp.from(Instant.now().plusMillis(5));
            insert.setString(1, plantedKid);
            insert.setBytes(2, planted.getPublic().getEncoded());
            insert.setString(3, Base64.getEncoder().encodeToString(planted.getPrivate().getEncoded()));
            insert.setTimestamp(4, now);
            insert.setTimestamp(5, now);
            insert.executeUpdate();
        }
        Thread.sleep(20);

        // a node that starts now refuses to start, saying why
        assertThatThrownBy(() -> new SigningKeys(new JdbcSigningKeyStore(database), Optional.of(kek)).initialize())
                .hasMessageContaining(plantedKid).hasMessageContaining("unsealed")
                .hasMessageContaining("identity-admin secrets seal");
        // a running node does not take it up: it neither signs with it nor publishes it
        assertThatThrownBy(running::reload).hasMessageContaining("unsealed");
        assertThat(running.signingKey().kid()).isEqualTo(genuine);
        assertThat(kids(running.jwks())).contains(genuine).doesNotContain(plantedKid);
    }

    @Test
    void signingKeyRowPairingAPlantedPublicKeyWithACopiedSealedPrivateKeyIsRefused() throws Exception {
        DataSource database = FreshDatabase.migrated("secrets_pairing");
        SigningKeys running = new SigningKeys(new JdbcSigningKeyStore(database), Optional.of(kek)).initialize();
        String genuine = running.signingKey().kid();

        // the attacker cannot seal, but can copy the provider's sealed private key next to a public key of their own:
        // the JWKS would then vouch for the attacker's key
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair planted = generator.generateKeyPair();
        String plantedKid = thumbprint((RSAPublicKey) planted.getPublic());
        try (Connection connection = database.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO signing_key (kid, algorithm, public_key, private_key, created_at, not_before) "
                        + "SELECT ?, 'RS256', ?, private_key, ?, ? FROM signing_key WHERE kid = ?")) {
            Timestamp now = Timestamp.from(Instant.now().plusMillis(5));
            insert.setString(1, plantedKid);
            insert.setBytes(2, planted.getPublic().getEncoded());
            insert.setTimestamp(3, now);
            insert.setTimestamp(4, now);
            insert.setString(5, genuine);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
        Thread.sleep(20);

        assertThatThrownBy(() -> new SigningKeys(new JdbcSigningKeyStore(database), Optional.of(kek)).initialize())
                .hasMessageContaining(plantedKid).hasMessageContaining("does not belong to its public key");
        assertThatThrownBy(running::reload).hasMessageContaining("does not belong");
        assertThat(kids(running.jwks())).contains(genuine).doesNotContain(plantedKid);
    }

    @Test
    void unsealedTotpSecretIsRefusedOnceKeyIsSet() throws Exception {
        DataSource database = FreshDatabase.migrated("secrets_totp");
        User victim = new User(UUID.randomUUID(), "victim", "not-a-hash", "Victim", "victim@example.com", false,
                true);
        assertThat(new JdbcUsers(database).createIfAbsent(victim)).isTrue();
        List<AuditEvent> audit = new ArrayList<>();
        AuditLog recorder = new AuditLog() {
            @Override
            public void record(AuditEvent event) {
                audit.add(event);
            }

            @Override
            public List<AuditEvent> recent(int limit) {
                return List.copyOf(audit);
            }
        };
        SecondFactor secondFactor = new SecondFactor(new JdbcTotpCredentials(database),
                new Sealer(Optional.of(kek), "echoid totp secret v1"),
                new BruteForceProtection(new JdbcLoginThrottles(database),
                        LoginPolicy.from(SettingsSource.of(Map.of())), Clock.systemUTC()),
                recorder, false, Clock.systemUTC());

        // the attacker's own authenticator secret, written into the victim's row in plain base64
        byte[] attackers = Totp.newSecret();
        try (Connection connection = database.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO totp_credential (user_id, secret, last_used_step) VALUES (?, ?, 0)")) {
            insert.setObject(1, victim.id());
            insert.setString(2, Base64.getEncoder().encodeToString(attackers));
            insert.executeUpdate();
        }
        String code = Totp.code(attackers, Totp.step(Instant.now()));

        assertThat(secondFactor.verify(victim, code, "echo", "203.0.113.7", "L-attack"))
                .as("a code from the planted secret does not pass").isFalse();
        assertThat(audit).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(AuditEvent.Type.MFA_FAILED);
            assertThat(event.detail()).contains("unsealed");
        });
        try (Connection connection = database.getConnection(); PreparedStatement query = connection.prepareStatement(
                "SELECT last_used_step FROM totp_credential WHERE user_id = ?")) {
            query.setObject(1, victim.id());
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getLong(1)).as("no time step was used up").isZero();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> kids(Map<String, Object> jwks) {
        return ((List<Map<String, Object>>) jwks.get("keys")).stream().map(k -> (String) k.get("kid")).toList();
    }

    /** RFC 7638 §3: what anyone can compute from a public key. */
    private static String thumbprint(RSAPublicKey key) throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String json = "{\"e\":\"" + url.encodeToString(unsigned(key.getPublicExponent().toByteArray()))
                + "\",\"kty\":\"RSA\",\"n\":\"" + url.encodeToString(unsigned(key.getModulus().toByteArray())) + "\"}";
        return url.encodeToString(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] unsigned(byte[] bytes) {
        return bytes.length > 1 && bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }
}
