package dev.echoid.identity.store;

import java.util.Optional;

public interface Clients {

    Optional<Client> find(String clientId);

    /** Inserts the client unless one with its id exists; true when inserted. */
    boolean createIfAbsent(Client client);

    /** Replaces the registration of an existing client; true when it existed. */
    boolean update(Client client);
}
