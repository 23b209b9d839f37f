package dev.echoid.identity.store;

import java.net.URI;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

public final class JdbcClients implements Clients {

    private static final String FIND =
            "SELECT client_id, name, secret_hash, redirect_uris, enabled FROM client WHERE client_id = ?";
    private static final String INSERT =
            "INSERT INTO client (client_id, name, secret_hash, redirect_uris, enabled) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (client_id) DO NOTHING";

    private final Sql sql;

    public JdbcClients(DataSource dataSource) {
        this.sql = new Sql(dataSource);
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
            s.setArray(4, s.getConnection().createArrayOf("text",
                    client.redirectUris().stream().map(URI::toString).toArray()));
            s.setBoolean(5, client.enabled());
        }) == 1;
    }

    private static Client map(ResultSet row) throws SQLException {
        Array uris = row.getArray("redirect_uris");
        List<URI> redirectUris = Arrays.stream((String[]) uris.getArray()).map(URI::create).toList();
        return new Client(row.getString("client_id"), row.getString("name"), row.getString("secret_hash"),
                redirectUris, row.getBoolean("enabled"));
    }
}
