package dev.echoid.identity.store;

import java.util.UUID;

/** An end user; {@code id} is the stable, never reassigned subject identifier ({@code sub}). */
public record User(UUID id, String username, String passwordHash, String name, String email,
        boolean emailVerified, boolean enabled) {
}
