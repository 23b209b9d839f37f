package dev.echoid.identity.store;

import java.net.URI;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

public final class JdbcClients implements Clients {

    private static final String COLUMNS = "client_id, name, secret_hash, redirect_uris, enabled, grant_types, "
            + "post_logout_redirect_uris, backchannel_logout_uri, id_token_signed_response_alg, require_mfa, "
            + "first_party, application_type, resource_server_for";
    private static final String FIND = "SELECT " + COLUMNS + " FROM client WHERE client_id = ?";
    private static final String INSERT = "INSERT INTO client (" + COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id) DO NOTHING";

    private static final String UPDATE = "UPDATE client SET name = ?, secret_hash = ?, redirect_uris = ?, "
            + "enabled = ?, grant_types = ?, post_logout_redirect_uris = ?, backchannel_logout_uri = ?, "
            + "id_token_signed_response_alg = ?, require_mfa = ?, first_party = ?, application_type = ?, "
            + "resource_server_for = ? WHERE client_id = ?";
    // compare-and-set: two nodes rewriting the same legacy hash at once write one value, then the other matches none
    private static final String REPLACE_SECRET_HASH = "UPDATE client SET secret_hash = ? "
            + "WHERE client_id = ? AND secret_hash = ?";
    private static final String LIST = "SELECT " + COLUMNS + " FROM client ORDER BY client_id";
    // codes and grants, and the tokens that hang off the grants, go with it (ON DELETE CASCADE); audit rows stay
    private static final String DELETE = "DELETE FROM client WHERE client_id = ?";

    private final Jdbc sql;

    public JdbcClients(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    @Override
    public Optional<Client> find(String clientId) {
        return sql.queryOne(FIND, s -> s.setString(1, clientId), JdbcClients::map);
    }

    @Override
    public boolean createIfAbsent(Client client) {
        return sql.update(INSERT, s -> {
            s.setString(1, client.clientId());
            s.setString(2, client.name());
            s.setString(3, client.secretHash());
            s.setArray(4, textArray(s, client.redirectUris().stream().map(URI::toString).toArray()));
            s.setBoolean(5, client.enabled());
            s.setArray(6, textArray(s, client.grantTypes().stream().sorted().toArray()));
            s.setArray(7, textArray(s, client.postLogoutRedirectUris().stream().map(URI::toString).toArray()));
            s.setString(8, client.backchannelLogoutUri() == null ? null : client.backchannelLogoutUri().toString());
            s.setString(9, client.idTokenSigningAlgorithm());
            s.setBoolean(10, client.requireMfa());
            s.setBoolean(11, client.firstParty());
            s.setString(12, client.applicationType());
            s.setArray(13, textArray(s, client.resourceServerFor().toArray()));
        }) == 1;
    }

    @Override
    public boolean update(Client client) {
        return sql.update(UPDATE, s -> {
            s.setString(1, client.name());
            s.setString(2, client.secretHash());
            s.setArray(3, textArray(s, client.redirectUris().stream().map(URI::toString).toArray()));
            s.setBoolean(4, client.enabled());
            s.setArray(5, textArray(s, client.grantTypes().stream().sorted().toArray()));
            s.setArray(6, textArray(s, client.postLogoutRedirectUris().stream().map(URI::toString).toArray()));
            s.setString(7, client.backchannelLogoutUri() == null ? null : client.backchannelLogoutUri().toString());
            s.setString(8, client.idTokenSigningAlgorithm());
            s.setBoolean(9, client.requireMfa());
            s.setBoolean(10, client.firstParty());
            s.setString(11, client.applicationType());
            s.setArray(12, textArray(s, client.resourceServerFor().toArray()));
            s.setString(13, client.clientId());
        }) == 1;
    }

    @Override
    public boolean replaceSecretHash(String clientId, String expected, String replacement) {
        return sql.update(REPLACE_SECRET_HASH, s -> {
            s.setString(1, replacement);
            s.setString(2, clientId);
            s.setString(3, expected);
        }) == 1;
    }

    @Override
    public List<Client> list() {
        return sql.query(LIST, s -> { }, JdbcClients::map);
    }

    @Override
    public boolean delete(String clientId) {
        return sql.update(DELETE, s -> s.setString(1, clientId)) == 1;
    }

    private static Array textArray(PreparedStatement statement, Object[] values) throws SQLException {
        return statement.getConnection().createArrayOf("text", values);
    }

    private static List<URI> uris(ResultSet row, String column) throws SQLException {
        return Arrays.stream(strings(row, column)).map(URI::create).toList();
    }

    private static String[] strings(ResultSet row, String column) throws SQLException {
        Array array = row.getArray(column);
        return array == null ? new String[0] : (String[]) array.getArray();
    }

    private static Client map(ResultSet row) throws SQLException {
        String backchannel = row.getString("backchannel_logout_uri");
        return new Client(row.getString("client_id"), row.getString("name"), row.getString("secret_hash"),
                uris(row, "redirect_uris"), row.getBoolean("enabled"), Set.of(strings(row, "grant_types")),
                uris(row, "post_logout_redirect_uris"), backchannel == null ? null : URI.create(backchannel),
                row.getString("id_token_signed_response_alg"), row.getBoolean("require_mfa"),
                row.getBoolean("first_party"), row.getString("application_type"),
                List.of(strings(row, "resource_server_for")));
    }
}
