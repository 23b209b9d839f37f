package dev.echoid.identity.store;

import java.util.List;
import java.util.Optional;

public interface Clients {

    Optional<Client> find(String clientId);

    /** Inserts the client unless one with its id exists; true when inserted. */
    boolean createIfAbsent(Client client);

    /** Replaces the registration of an existing client; true when it existed. */
    boolean update(Client client);

    /** Sets the secret hash of a client whose hash is still {@code expected}; true when replaced. */
    boolean replaceSecretHash(String clientId, String expected, String replacement);

    /** Every client, by client id. */
    List<Client> list();

    /** Deletes the client with its codes, grants and tokens; true when it existed. */
    boolean delete(String clientId);
}
