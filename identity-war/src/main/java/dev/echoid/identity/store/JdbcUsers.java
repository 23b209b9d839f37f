package dev.echoid.identity.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

public final class JdbcUsers implements Users {

    private static final String COLUMNS = "id, username, password_hash, name, email, email_verified, enabled";
    private static final String FIND_BY_USERNAME =
            "SELECT " + COLUMNS + " FROM app_user WHERE lower(username) = lower(?)";
    private static final String FIND = "SELECT " + COLUMNS + " FROM app_user WHERE id = ?";
    private static final String INSERT = "INSERT INTO app_user (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT DO NOTHING";

    private static final String UPDATE_HASH = "UPDATE app_user SET password_hash = ? WHERE id = ?";
    private static final String LIST = "SELECT " + COLUMNS + " FROM app_user ORDER BY lower(username)";
    private static final String SET_ENABLED = "UPDATE app_user SET enabled = ? WHERE id = ?";
    // codes, sessions, grants, tokens and the TOTP credential go with it (ON DELETE CASCADE); audit rows stay
    private static final String DELETE = "DELETE FROM app_user WHERE id = ?";

    private final Jdbc sql;

    public JdbcUsers(DataSource dataSource) {
        this.sql = new Jdbc(dataSource);
    }

    @Override
    public Optional<User> findByUsername(String username) {
        return sql.queryOne(FIND_BY_USERNAME, s -> s.setString(1, username), JdbcUsers::map);
    }

    @Override
    public Optional<User> find(UUID id) {
        return sql.queryOne(FIND, s -> s.setObject(1, id), JdbcUsers::map);
    }

    @Override
    public boolean createIfAbsent(User user) {
        return sql.update(INSERT, s -> {
            s.setObject(1, user.id());
            s.setString(2, user.username());
            s.setString(3, user.passwordHash());
            s.setString(4, user.name());
            s.setString(5, user.email());
            s.setBoolean(6, user.emailVerified());
            s.setBoolean(7, user.enabled());
        }) == 1;
    }

    @Override
    public void updatePasswordHash(UUID id, String passwordHash) {
        sql.update(UPDATE_HASH, s -> {
            s.setString(1, passwordHash);
            s.setObject(2, id);
        });
    }

    @Override
    public List<User> list() {
        return sql.query(LIST, s -> { }, JdbcUsers::map);
    }

    @Override
    public boolean setEnabled(UUID id, boolean enabled) {
        return sql.update(SET_ENABLED, s -> {
            s.setBoolean(1, enabled);
            s.setObject(2, id);
        }) == 1;
    }

    @Override
    public boolean delete(UUID id) {
        return sql.update(DELETE, s -> s.setObject(1, id)) == 1;
    }

    private static User map(ResultSet row) throws SQLException {
        return map(row, "id");
    }

    /** A user from a row of a join, whose id is in {@code idColumn}. */
    static User map(ResultSet row, String idColumn) throws SQLException {
        return new User(row.getObject(idColumn, UUID.class), row.getString("username"), row.getString("password_hash"),
                row.getString("name"), row.getString("email"), row.getBoolean("email_verified"),
                row.getBoolean("enabled"));
    }
}
