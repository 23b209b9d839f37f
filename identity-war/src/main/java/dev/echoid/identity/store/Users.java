package dev.echoid.identity.store;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface Users {

    /** By user name, case-insensitively. */
    Optional<User> findByUsername(String username);

    Optional<User> find(UUID id);

    /** Inserts the user unless the user name is taken; true when inserted. */
    boolean createIfAbsent(User user);

    /** Replaces the password hash (a new password, or the same one under current hashing parameters). */
    void updatePasswordHash(UUID id, String passwordHash);

    /** Every user, by user name (case-insensitively). */
    List<User> list();

    /** Switches sign-in on or off for the user; true when the user exists. */
    boolean setEnabled(UUID id, boolean enabled);

    /** Deletes the user with their codes, sessions, grants, tokens and second factor; true when it existed. */
    boolean delete(UUID id);
}
