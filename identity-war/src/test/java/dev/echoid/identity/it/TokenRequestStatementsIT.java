package dev.echoid.identity.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.store.AuditTrail.Verification;
import dev.echoid.identity.store.JdbcClients;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What one token request costs the database, counted with a DataSource that records every statement and every other
 * round trip the driver makes (the isolation level asked or set, the commit): the grant's reads and writes and its
 * audit row in one transaction (no lock on the chain head), the chain linked afterwards.
 */
@ExtendWith(PostgresExtension.class)
class TokenRequestStatementsIT {

    @Test
    void clientCredentialsAndRefreshEachCommitTheirAuditRowInTheirOneTransaction() throws Exception {
        TokenGrantFixture fixture = TokenGrantFixture.on("token_statements");
        CountingDataSource counted = fixture.counted;
        JdbcClients clients = fixture.clients;

        // client_credentials: the client read (authentication), then the grant's one transaction
        counted.reset();
        clients.find("svc").orElseThrow();
        assertThat(fixture.clientCredentialsRequest()).containsKey("access_token");
        List<String> credentialsStatements = List.copyOf(counted.statements);
        System.out.println("client_credentials statements (" + credentialsStatements.size() + "): "
                + credentialsStatements);
        assertThat(credentialsStatements).as("the audit row is inserted in the grant's transaction, without a lock")
                .noneMatch(sql -> sql.contains("FOR UPDATE") || sql.contains("audit_chain_head SET"));
        assertThat(credentialsStatements).filteredOn(sql -> sql.startsWith("INSERT INTO audit_event")).hasSize(1);
        assertThat(credentialsStatements).as("the client, then the grant with its access token in one statement, "
                + "and its audit row").hasSize(3);
        assertThat(credentialsStatements.get(1)).startsWith("WITH g AS (INSERT INTO authorization_grant");
        List<String> credentialsRoundTrips = List.copyOf(counted.roundTrips);
        assertThat(credentialsRoundTrips).as("no isolation level asked or set: the connection's is READ COMMITTED")
                .containsExactly(credentialsStatements.get(0), credentialsStatements.get(1),
                        credentialsStatements.get(2), "(COMMIT)");

        // refresh: a grant with a refresh token first, then one refresh
        String refreshToken = fixture.refreshTokenOfANewGrant();
        counted.reset();
        clients.find("svc").orElseThrow();
        assertThat(fixture.refreshRequest(refreshToken)).containsKeys("access_token", "refresh_token");
        List<String> refreshStatements = List.copyOf(counted.statements);
        System.out.println("refresh_token statements (" + refreshStatements.size() + "): " + refreshStatements);
        assertThat(refreshStatements).noneMatch(sql -> sql.contains("FOR UPDATE") || sql.contains(
                "audit_chain_head SET"));
        assertThat(refreshStatements).filteredOn(sql -> sql.startsWith("INSERT INTO audit_event")).hasSize(1);
        assertThat(refreshStatements).as("the client, the token with its grant, user and session in one read, then "
                + "the rotation, the access token with the new refresh token in one statement, and the audit row")
                .hasSize(5);
        assertThat(refreshStatements.get(1)).contains("JOIN authorization_grant").contains("LEFT JOIN app_user")
                .contains("LEFT JOIN sso_session");
        assertThat(refreshStatements.get(3)).startsWith("WITH r AS (INSERT INTO refresh_token");
        assertThat(counted.roundTrips).as("the statements and one commit").hasSize(6).endsWith("(COMMIT)")
                .noneMatch(trip -> trip.contains("ISOLATION") || trip.contains("SESSION CHARACTERISTICS"));

        // the chain, afterwards: one run links both rows in one transaction
        counted.reset();
        assertThat(fixture.audit.chainer().chainPending()).isEqualTo(2);
        System.out.println("one chainer run (" + counted.statements.size() + " statements): " + counted.statements);
        assertThat(counted.roundTrips).as("the lock, the head, the rows, their links, the head moved; one commit")
                .hasSize(6).endsWith("(COMMIT)");
        Verification verified = fixture.audit.verify();
        assertThat(verified.intact()).as(verified.problem()).isTrue();
        assertThat(verified.rowsChecked()).isEqualTo(2);
    }
}
